import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A NameNode and one DataNode in one JVM (Hadoop's MiniDFSCluster), for dstream's tests.
 *
 * Arguments: baseDir rpcPort httpPort controlPort infoFile.
 * The NameNode serves RPC on 127.0.0.1:rpcPort and WebHDFS on 127.0.0.1:httpPort. A control
 * server on 127.0.0.1:controlPort lets tests restart the DataNode (POST /datanode/restart) and ask
 * whether the cluster is up (GET /status). Once everything answers, the addresses are written to
 * infoFile as JSON, so that a reader never sees a half-started cluster.
 */
public final class MiniHdfs {
  private static MiniDFSCluster cluster;

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: MiniHdfs baseDir rpcPort httpPort controlPort infoFile");
      System.exit(2);
    }
    String baseDir = args[0];
    int rpcPort = Integer.parseInt(args[1]);
    int httpPort = Integer.parseInt(args[2]);
    int controlPort = Integer.parseInt(args[3]);
    Path infoFile = Path.of(args[4]);

    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir);
    conf.set("dfs.namenode.rpc-address", "127.0.0.1:" + rpcPort);
    conf.set("dfs.namenode.http-address", "127.0.0.1:" + httpPort);
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    conf.setBoolean("dfs.webhdfs.enabled", true);
    conf.setInt("dfs.replication", 1);
    // Tests write as whatever user.name they choose; permission checks are not what they test.
    conf.setBoolean("dfs.permissions.enabled", false);
    // Small blocks, so that a test file of a few MiB spans several blocks and splits.
    conf.setLong("dfs.blocksize", 1024 * 1024);
    conf.setLong("dfs.namenode.fs-limits.min-block-size", 1024);
    conf.setInt("dfs.heartbeat.interval", 1);

    cluster = new MiniDFSCluster.Builder(conf)
        .nameNodePort(rpcPort)
        .nameNodeHttpPort(httpPort)
        .numDataNodes(1)
        .format(true)
        .checkDataNodeHostConfig(true)
        .build();
    cluster.waitActive();

    HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", controlPort), 0);
    control.createContext("/status", ex -> reply(ex, 200, status()));
    control.createContext("/datanode/restart", ex -> {
      if (!"POST".equals(ex.getRequestMethod())) {
        reply(ex, 405, "{\"error\":\"POST only\"}");
        return;
      }
      try {
        restartDataNode();
        reply(ex, 200, status());
      } catch (Exception e) {
        reply(ex, 500, "{\"error\":" + quote(String.valueOf(e)) + "}");
      }
    });
    control.start();

    String info = "{\"namenode\":\"hdfs://127.0.0.1:" + rpcPort + "\",\"webhdfs\":\"127.0.0.1:" + httpPort
        + "\",\"control\":\"127.0.0.1:" + controlPort + "\",\"baseDir\":" + quote(baseDir) + "}\n";
    Path tmp = infoFile.resolveSibling(infoFile.getFileName() + ".tmp");
    Files.writeString(tmp, info, StandardCharsets.UTF_8);
    Files.move(tmp, infoFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("MiniHdfs ready: " + info.trim());

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      control.stop(0);
      cluster.shutdown();
    }));
    Thread.currentThread().join();
  }

  /**
   * Stops the DataNode, so that reads in flight lose their connection, then starts it again on the
   * same ports and waits until the NameNode sees it, so that a client's retry can succeed.
   */
  private static synchronized void restartDataNode() throws IOException {
    MiniDFSCluster.DataNodeProperties dn = cluster.stopDataNode(0);
    if (!cluster.restartDataNode(dn, true)) throw new IOException("the DataNode did not restart");
    cluster.waitActive();
  }

  private static synchronized String status() {
    return "{\"active\":" + cluster.isClusterUp() + ",\"dataNodesUp\":" + cluster.isDataNodeUp() + "}";
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
