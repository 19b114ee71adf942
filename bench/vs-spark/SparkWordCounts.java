import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.kafka010.ConsumerStrategies;
import org.apache.spark.streaming.kafka010.KafkaUtils;
import org.apache.spark.streaming.kafka010.LocationStrategies;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;

import scala.Option;
import scala.Tuple2;

/**
 * Spark Streaming's side of bench:vs-spark: the same word counts as bench/vs-spark/dstreamWordCounts.ts,
 * through Spark's Java API, reporting each completed batch on standard output in the same line format.
 *
 *   socket MASTER PORT BATCH_MS                       socketTextStream on 127.0.0.1:PORT until killed
 *   kafka MASTER BOOTSTRAP TOPIC RATE BATCH_MS TOTAL  direct stream from the earliest offsets, with
 *                                                     maxRatePerPartition RATE, until TOTAL records
 */
public final class SparkWordCounts {
  private static long millis(Option<Object> o) {
    return o.isDefined() ? ((Long) o.get()) : -1L;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    SparkConf conf = new SparkConf().setMaster(args[1]).setAppName("vs-spark-" + mode).set("spark.ui.enabled", "false");
    long batchMs = Long.parseLong(mode.equals("socket") ? args[3] : args[5]);
    long total = mode.equals("kafka") ? Long.parseLong(args[6]) : Long.MAX_VALUE;
    if (mode.equals("kafka")) conf.set("spark.streaming.kafka.maxRatePerPartition", args[4]);
    JavaStreamingContext ssc = new JavaStreamingContext(conf, Durations.milliseconds(batchMs));

    AtomicLong seen = new AtomicLong();
    CountDownLatch drained = new CountDownLatch(1);
    long[] startedAt = new long[1];
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(StreamingListenerBatchCompleted e) {
        BatchInfo b = e.batchInfo();
        System.out.println("BATCH {\"time\":" + b.batchTime().milliseconds() + ",\"records\":" + b.numRecords()
            + ",\"processingMs\":" + millis(b.processingDelay()) + ",\"schedulingMs\":" + millis(b.schedulingDelay())
            + ",\"totalMs\":" + millis(b.totalDelay()) + "}");
        if (seen.addAndGet(b.numRecords()) >= total) {
          System.out.println("DONE {\"elapsedMs\":" + (System.currentTimeMillis() - startedAt[0]) + "}");
          drained.countDown();
        }
      }
    });

    JavaDStream<String> lines;
    if (mode.equals("socket")) {
      lines = ssc.socketTextStream("127.0.0.1", Integer.parseInt(args[2]));
    } else {
      Map<String, Object> params = new HashMap<>();
      params.put("bootstrap.servers", args[2]);
      params.put("key.deserializer", StringDeserializer.class);
      params.put("value.deserializer", StringDeserializer.class);
      params.put("group.id", "vs-spark-" + System.nanoTime());
      params.put("auto.offset.reset", "earliest");
      params.put("enable.auto.commit", false);
      params.put("max.partition.fetch.bytes", 8 * 1024 * 1024);
      params.put("fetch.max.bytes", 64 * 1024 * 1024);
      lines = KafkaUtils.<String, String>createDirectStream(ssc, LocationStrategies.PreferConsistent(),
          ConsumerStrategies.<String, String>Subscribe(Arrays.asList(args[3]), params)).map(ConsumerRecord::value);
    }
    lines.flatMap(l -> Arrays.asList(l.split(" ")).iterator())
        .mapToPair(w -> new Tuple2<>(w, 1))
        .reduceByKey(Integer::sum)
        .foreachRDD(rdd -> {
          rdd.count();
        });
    startedAt[0] = System.currentTimeMillis();
    ssc.start();
    System.out.println("STARTED");
    if (mode.equals("kafka")) {
      drained.await();
      ssc.stop(true, false);
    } else {
      ssc.awaitTermination();
    }
  }
}
