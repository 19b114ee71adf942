// Generates test/util/fixtures/jvm-reference.json: reference values computed by the real JVM,
// Scala 2.13 library and Spark classes, which the util tests compare dstream against.
//
// Regenerate (Java 17, Maven):
//   mvn dependency:get -Dartifact=org.scala-lang:scala-library:2.13.14
//   mvn dependency:get -Dtransitive=false -Dartifact=org.apache.spark:spark-core_2.13:3.5.1
//   R=~/.m2/repository
//   java -cp $R/org/scala-lang/scala-library/2.13.14/scala-library-2.13.14.jar:$R/org/apache/spark/spark-core_2.13/3.5.1/spark-core_2.13-3.5.1.jar \
//     test/util/jvm/JvmReference.java > test/util/fixtures/jvm-reference.json
//
// Only Spark classes with no SparkEnv/Utils dependencies are touched (XORShiftRandom,
// SamplingUtils, RangePartitioner.determineBounds, StatCounter), so no Spark runtime is needed.

import java.util.*;

public class JvmReference {
  static final StringBuilder out = new StringBuilder();

  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  // JSON for the value kinds the random tuples contain; doubles keep a ".0" or exponent form,
  // which JSON.parse reads as the same number.
  static String json(Object o) {
    if (o == null) return "null";
    if (o instanceof String) return q((String) o);
    if (o instanceof Boolean || o instanceof Integer || o instanceof Long) return o.toString();
    if (o instanceof Double) return o.toString();
    if (o instanceof scala.Product) {
      scala.Product p = (scala.Product) o;
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < p.productArity(); i++) {
        if (i > 0) b.append(',');
        b.append(json(p.productElement(i)));
      }
      return b.append(']').toString();
    }
    throw new IllegalArgumentException(o.getClass().toString());
  }

  static Object randomAtom(Random r) {
    switch (r.nextInt(8)) {
      case 0: {
        int len = r.nextInt(6);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) b.append((char) (r.nextBoolean() ? 'a' + r.nextInt(26) : r.nextInt(0x3000)));
        return b.toString();
      }
      case 1: return r.nextInt();
      case 2: return r.nextInt(100) - 50;
      case 3: return (long) (r.nextDouble() * 9e15) * (r.nextBoolean() ? 1 : -1);
      case 4: return (double) (r.nextInt(2000) - 1000); // integral Double: ## must equal the Int's
      case 5: return r.nextInt(64) / 8.0;               // exactly a Float: ## is Float.hashCode
      case 6: return r.nextGaussian() * 1e3;
      default: return r.nextInt(3) == 0 ? null : (Object) r.nextBoolean();
    }
  }

  static Object randomValue(Random r, int depth) {
    if (depth < 2 && r.nextInt(4) == 0) return randomTuple(r, depth + 1);
    return randomAtom(r);
  }

  static Object randomTuple(Random r, int depth) {
    int arity = 1 + r.nextInt(r.nextBoolean() ? 3 : 22);
    Object[] e = new Object[arity];
    for (int i = 0; i < arity; i++) e[i] = randomValue(r, depth);
    return scala.runtime.ScalaRunTime$.MODULE$.toObjectArray(e).length > 0 ? makeTuple(e) : null;
  }

  static Object makeTuple(Object[] e) {
    try {
      Class<?> c = Class.forName("scala.Tuple" + e.length);
      Class<?>[] types = new Class<?>[e.length];
      Arrays.fill(types, Object.class);
      return c.getConstructor(types).newInstance(e);
    } catch (ReflectiveOperationException ex) {
      throw new RuntimeException(ex);
    }
  }

  static void field(String name, String value) {
    if (out.length() > 1) out.append(",\n");
    out.append(q(name)).append(": ").append(value);
  }

  static String arr(List<String> items) {
    return "[" + String.join(",", items) + "]";
  }

  static String hex64(long v) {
    return q(Long.toString(v));
  }

  public static void main(String[] args) {
    out.append("{");

    // String.hashCode
    List<String> strings = new ArrayList<>(List.of("", "a", "hello", "Hello, World!", "spark", "dstream",
        "\u00e9t\u00e9", "\u4e2d\u6587", "\ud83d\ude00 emoji", "polygenelubricants", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    Random sr = new Random(7);
    for (int i = 0; i < 40; i++) {
      StringBuilder b = new StringBuilder();
      int len = sr.nextInt(30);
      for (int j = 0; j < len; j++) b.append((char) sr.nextInt(0x10000));
      strings.add(b.toString());
    }
    List<String> sh = new ArrayList<>();
    for (String s : strings) sh.add("[" + q(s) + "," + s.hashCode() + "]");
    field("stringHash", arr(sh));

    // Integer.hashCode / Long.hashCode for integral values; values as decimal strings.
    long[] longs = {0, 1, -1, 42, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 32, (1L << 32) + 5, -(1L << 32),
        4294967295L, -4294967297L, 9007199254740991L, -9007199254740991L, 123456789012345L, -98765432109876L,
        Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53, (1L << 62) + 12345};
    List<String> lh = new ArrayList<>();
    for (long v : longs) {
      boolean isInt = v == (int) v;
      lh.add("[" + hex64(v) + "," + (isInt ? Integer.hashCode((int) v) : Long.hashCode(v)) + ","
          + Long.hashCode(v) + "," + scala.runtime.Statics.longHash(v) + "]");
    }
    field("longHash", arr(lh)); // [value, Integer-or-Long hashCode, Long.hashCode, Scala ##]

    // Double.hashCode and Scala ## (Statics.doubleHash).
    List<Double> doubles = new ArrayList<>(List.of(1.5, -1.5, 0.1, 0.5, 3.141592653589793, 1e-300, 1e300, 2.5e-7,
        Double.MIN_VALUE, Double.MAX_VALUE, 1e20, -1e20, 9.3e18, 9.223372036854775807E18, -9.223372036854775808E18,
        1e100, 16777217.0, 0.1f + 0.0, 2.0, -0.0, 0.0, 123456.789));
    for (int i = 0; i < 30; i++) doubles.add(sr.nextGaussian() * Math.pow(10, sr.nextInt(30) - 15));
    List<String> dh = new ArrayList<>();
    for (double d : doubles) dh.add("[" + Double.toString(d) + "," + Double.hashCode(d) + "," + scala.runtime.Statics.anyHash(d) + "]");
    field("doubleHash", arr(dh));
    field("specialDoubleHash", "{\"NaN\": [" + Double.hashCode(Double.NaN) + "," + scala.runtime.Statics.anyHash(Double.NaN)
        + "], \"Infinity\": [" + Double.hashCode(Double.POSITIVE_INFINITY) + "," + scala.runtime.Statics.anyHash(Double.POSITIVE_INFINITY)
        + "], \"-Infinity\": [" + Double.hashCode(Double.NEGATIVE_INFINITY) + "," + scala.runtime.Statics.anyHash(Double.NEGATIVE_INFINITY)
        + "], \"-0\": [" + Double.hashCode(-0.0) + "," + scala.runtime.Statics.anyHash(-0.0) + "]}");

    // Tuple hashCodes (Scala 2.13 productHash), random nested tuples.
    Random tr = new Random(2024);
    List<String> th = new ArrayList<>();
    th.add("[" + json(new scala.Tuple2<Object, Object>("a", 1)) + "," + new scala.Tuple2<Object, Object>("a", 1).hashCode() + "]");
    th.add("[" + json(new scala.Tuple2<Object, Object>(new scala.Tuple2<Object, Object>("a", 1), 2)) + ","
        + new scala.Tuple2<Object, Object>(new scala.Tuple2<Object, Object>("a", 1), 2).hashCode() + "]");
    for (int i = 0; i < 300; i++) {
      Object t = randomTuple(tr, 0);
      th.add("[" + json(t) + "," + t.hashCode() + "]");
    }
    field("tupleHash", arr(th));

    // java.util.Date, byte[], Map and Set.
    long[] millis = {0, 1700000000000L, -1234567890123L, 253402300799999L};
    List<String> dates = new ArrayList<>();
    for (long m : millis) dates.add("[" + m + "," + new Date(m).hashCode() + "]");
    field("dateHash", arr(dates));
    byte[][] byteArrays = {{}, {1, 2, 3}, {(byte) 200, (byte) 255, 0, 127, (byte) 128}, "hello".getBytes()};
    List<String> bh = new ArrayList<>();
    for (byte[] b : byteArrays) {
      List<String> us = new ArrayList<>();
      for (byte x : b) us.add(Integer.toString(x & 0xff));
      bh.add("[" + arr(us) + "," + Arrays.hashCode(b) + "," + scala.util.hashing.MurmurHash3$.MODULE$.bytesHash(b) + "]");
    }
    field("byteArrayHash", arr(bh)); // [unsigned bytes, Arrays.hashCode, MurmurHash3.bytesHash]
    Map<Object, Object> m = new HashMap<>();
    m.put("a", 1); m.put("b", 2); m.put("c", "x");
    Set<Object> s = new HashSet<>(List.of("a", "b", 3));
    field("mapHash", Integer.toString(m.hashCode()));
    field("setHash", Integer.toString(s.hashCode()));

    // HashPartitioner.getPartition = Utils.nonNegativeMod(key.hashCode, n), which for n > 0 is
    // Math.floorMod (Spark's HashPartitioner itself needs Spark's runtime to load).
    List<String> hp = new ArrayList<>();
    Object[] hpKeys = {"hello", "a", "", "spark streaming", 0, -1, 42, Integer.MIN_VALUE, 5000000000L, -5000000000L,
        1.5, -2.75, new scala.Tuple2<Object, Object>("a", 1), new scala.Tuple2<Object, Object>(1, 2),
        new scala.Tuple3<Object, Object, Object>("x", 2.5, true), new scala.Tuple2<Object, Object>(new scala.Tuple2<Object, Object>("k", 0), "v")};
    for (Object k : hpKeys)
      for (int n : new int[]{1, 2, 3, 7, 10, 200})
        hp.add("[" + json(k) + "," + n + "," + Math.floorMod(k.hashCode(), n) + "]");
    field("hashPartition", arr(hp));

    // byteswap32.
    List<String> bs = new ArrayList<>();
    for (int v : new int[]{0, 1, 2, 5, -1, 42, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE, -100})
      bs.add("[" + v + "," + scala.util.hashing.package$.MODULE$.byteswap32(v) + "]");
    field("byteswap32", arr(bs));

    // java.util.Random and Spark's XORShiftRandom sequences.
    long[] seeds = {0, 1, 42, -1, 123456789L, 1L << 40, Long.MIN_VALUE, Long.MAX_VALUE, -7};
    List<String> rs = new ArrayList<>();
    for (int kind = 0; kind < 2; kind++) {
      for (long seed : seeds) {
        Random a = kind == 0 ? new Random(seed) : new org.apache.spark.util.random.XORShiftRandom(seed);
        List<String> ints = new ArrayList<>(), bounded = new ArrayList<>(), dbls = new ArrayList<>(),
            longsOut = new ArrayList<>(), floats = new ArrayList<>(), bools = new ArrayList<>(), gauss = new ArrayList<>();
        int[] bounds = {10, 100, 16, 1, 1 << 30, 1000000007, 7, Integer.MAX_VALUE, 3, 1 << 20};
        for (int i = 0; i < 10; i++) ints.add(Integer.toString(a.nextInt()));
        for (int i = 0; i < 30; i++) { int bd = bounds[i % bounds.length]; bounded.add("[" + bd + "," + a.nextInt(bd) + "]"); }
        for (int i = 0; i < 10; i++) dbls.add(Double.toString(a.nextDouble()));
        for (int i = 0; i < 5; i++) longsOut.add(q(Long.toString(a.nextLong())));
        for (int i = 0; i < 5; i++) floats.add(Double.toString(a.nextFloat()));
        for (int i = 0; i < 10; i++) bools.add(Boolean.toString(a.nextBoolean()));
        for (int i = 0; i < 9; i++) gauss.add(Double.toString(a.nextGaussian()));
        rs.add("{\"kind\":" + q(kind == 0 ? "java" : "xorshift") + ",\"seed\":" + q(Long.toString(seed))
            + ",\"nextInt\":" + arr(ints) + ",\"nextIntBounded\":" + arr(bounded) + ",\"nextDouble\":" + arr(dbls)
            + ",\"nextLong\":" + arr(longsOut) + ",\"nextFloat\":" + arr(floats) + ",\"nextBoolean\":" + arr(bools)
            + ",\"nextGaussian\":" + arr(gauss) + "}");
      }
    }
    field("random", arr(rs));
    List<String> hs = new ArrayList<>();
    for (long seed : seeds) hs.add("[" + q(Long.toString(seed)) + "," + q(Long.toString(org.apache.spark.util.random.XORShiftRandom$.MODULE$.hashSeed(seed))) + "]");
    field("xorshiftHashSeed", arr(hs));
    List<String> rp = new ArrayList<>();
    for (int idx = 0; idx < 8; idx++) {
      int n = 1 + idx * 3;
      rp.add("[" + idx + "," + n + "," + new Random(scala.util.hashing.package$.MODULE$.byteswap32(idx)).nextInt(n) + "]");
    }
    field("repartitionStart", arr(rp)); // [index, numPartitions, start]

    // SamplingUtils.reservoirSampleAndCount over 0 until n.
    List<String> res = new ArrayList<>();
    int[][] cases = {{1000, 10, 42}, {1000, 100, 7}, {5, 10, 1}, {50, 50, 3}, {51, 50, 3}, {20000, 60, -1}};
    for (int[] c : cases) {
      Integer[] data = new Integer[c[0]];
      for (int i = 0; i < c[0]; i++) data[i] = i;
      scala.collection.Iterator<Integer> it = scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(data).iterator());
      scala.Tuple2<Object, Object> r = org.apache.spark.util.random.SamplingUtils$.MODULE$.reservoirSampleAndCount(
          it, c[1], (long) c[2], scala.reflect.ClassTag$.MODULE$.apply(Object.class));
      Object[] sample = (Object[]) r._1();
      List<String> ss = new ArrayList<>();
      for (Object o : sample) ss.add(o.toString());
      res.add("{\"n\":" + c[0] + ",\"k\":" + c[1] + ",\"seed\":" + c[2] + ",\"sample\":" + arr(ss) + ",\"count\":" + r._2() + "}");
    }
    field("reservoir", arr(res));

    // RangePartitioner.determineBounds with Float weights.
    List<String> db = new ArrayList<>();
    Random br = new Random(99);
    for (int t = 0; t < 12; t++) {
      scala.collection.mutable.ArrayBuffer<scala.Tuple2<Object, Object>> cands = new scala.collection.mutable.ArrayBuffer<>();
      List<String> cj = new ArrayList<>();
      int nc = br.nextInt(200);
      boolean stringKeys = t % 3 == 2;
      for (int i = 0; i < nc; i++) {
        Object key = stringKeys ? (Object) ("k" + br.nextInt(50)) : (Object) (br.nextInt(t % 2 == 0 ? 30 : 100000) - 10);
        float w = (float) ((1 + br.nextInt(500)) / (double) (1 + br.nextInt(7)));
        cands.addOne(new scala.Tuple2<>(key, w));
        cj.add("[" + json(key) + "," + Float.toString(w) + "]");
      }
      int parts = 1 + br.nextInt(12);
      scala.math.Ordering<Object> ord = stringKeys
          ? (scala.math.Ordering<Object>) (Object) scala.math.Ordering.String$.MODULE$
          : (scala.math.Ordering<Object>) (Object) scala.math.Ordering.Int$.MODULE$;
      Object[] bounds = (Object[]) org.apache.spark.RangePartitioner$.MODULE$.determineBounds(
          cands, Math.min(parts, nc), ord, scala.reflect.ClassTag$.MODULE$.apply(Object.class));
      List<String> bj = new ArrayList<>();
      for (Object o : bounds) bj.add(json(o));
      db.add("{\"partitions\":" + Math.min(parts, nc) + ",\"candidates\":" + arr(cj) + ",\"bounds\":" + arr(bj) + "}");
    }
    field("determineBounds", arr(db));

    // StatCounter.
    double[][] statSets = {{}, {1, 2, 3}, {5}, {1.5, 2.25, -3.125, 1e10, 7}, {0.1, 0.2, 0.3, 0.4}, {Double.NaN, 1},
        {1e-7, 2e-7, 3e-7}, {-0.0}};
    List<String> st = new ArrayList<>();
    for (double[] set : statSets) {
      org.apache.spark.util.StatCounter c = new org.apache.spark.util.StatCounter();
      List<String> vs = new ArrayList<>();
      for (double v : set) { c.merge(v); vs.add(Double.isNaN(v) ? "\"NaN\"" : Double.toString(v)); }
      st.add("{\"values\":" + arr(vs) + ",\"toString\":" + q(c.toString()) + ",\"sampleStdev\":" + q(Double.toString(c.sampleStdev()))
          + ",\"sum\":" + q(Double.toString(c.sum())) + "}");
    }
    field("statCounter", arr(st));
    // Merging partial counters: random values split into uneven parts.
    Random mr = new Random(5);
    List<String> sm = new ArrayList<>();
    // Sizes chosen to hit each branch of merge(other): other much smaller, much larger, similar.
    int[][] sizePlans = {{100, 3}, {3, 100}, {50, 40}, {0, 5}, {5, 0}, {200, 1, 1, 1}, {7, 500}, {2, 1000}, {1, 50}, {4, 90, 3, 700}};
    for (int t = 0; t < 6 + sizePlans.length; t++) {
      int[] plan = t >= 6 ? sizePlans[t - 6] : null;
      int parts = plan != null ? plan.length : 1 + mr.nextInt(5);
      List<String> partJson = new ArrayList<>();
      org.apache.spark.util.StatCounter total = new org.apache.spark.util.StatCounter();
      for (int p = 0; p < parts; p++) {
        int size = plan != null ? plan[p] : mr.nextInt(t % 2 == 0 ? 40 : 3);
        org.apache.spark.util.StatCounter c = new org.apache.spark.util.StatCounter();
        List<String> vs = new ArrayList<>();
        for (int i = 0; i < size; i++) { double v = mr.nextGaussian() * 100 + 3; c.merge(v); vs.add(Double.toString(v)); }
        total.merge(c);
        partJson.add(arr(vs));
      }
      sm.add("{\"parts\":" + arr(partJson) + ",\"count\":" + total.count() + ",\"mean\":" + q(Double.toString(total.mean()))
          + ",\"variance\":" + q(Double.toString(total.variance())) + ",\"toString\":" + q(total.toString()) + "}");
    }
    field("statCounterMerge", arr(sm));

    // String.format("%f").
    Random fr = new Random(11);
    List<String> ff = new ArrayList<>();
    double[] fixed = {0, -0.0, 0.5, 1.0000005, 2.0000005, 0.0000005, 0.0000015, 0.0000025, 0.1234565, 123.4567895, 1e20,
        1e22, 9.9999995, 999999.9999995, -2.5e-7, -1e-9, 0.816496580927726, 1e-320, 4.35, 0.000001, 1e15 + 0.3};
    for (double d : fixed) ff.add("[" + d + "," + q(String.format("%f", d)) + "]");
    for (int i = 0; i < 200; i++) {
      double d = fr.nextGaussian() * Math.pow(10, fr.nextInt(16) - 8);
      if (i % 4 == 0) d = Math.round(d * 1e7) / 1e7 + 5e-7; // halfway-looking cases
      ff.add("[" + d + "," + q(String.format("%f", d)) + "]");
    }
    field("formatF", arr(ff));

    out.append("\n}\n");
    System.out.print(out);
  }
}
