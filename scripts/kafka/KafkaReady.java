import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Exits 0 when the broker at args[0] answers a metadata request with itself registered and a
 * controller elected, so topics can be created; exits 1 otherwise. Used by scripts/kafka.sh.
 */
public final class KafkaReady {
  public static void main(String[] args) {
    String bootstrap = args[0];
    int timeoutMs = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    p.put(AdminClientConfig.RETRIES_CONFIG, 0);
    int code = 1;
    try (Admin admin = Admin.create(p)) {
      DescribeClusterResult c = admin.describeCluster();
      boolean ok = !c.nodes().get(timeoutMs, TimeUnit.MILLISECONDS).isEmpty()
          && c.controller().get(timeoutMs, TimeUnit.MILLISECONDS) != null;
      admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
      code = ok ? 0 : 1;
    } catch (Exception e) {
      System.err.println(e);
    }
    System.exit(code);
  }
}
