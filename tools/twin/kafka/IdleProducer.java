// The twin's idle client: Kafka's Java producer sends one keyed message, then waits, holding its
// connections, until a line arrives on stdin, and sends a second message with the same key (the
// same partition, so the same leader and connection). It prints one JSON line per message: when it
// was sent and acknowledged, and what the producer's own metrics saw meanwhile (connections it
// closed and opened, retries, the first connection closed after the send). Run from source:
//   java -cp '<kafka libs>/*' IdleProducer.java <bootstrap> <topic> <producer.properties> <key>
// Exit 0 when both messages were acknowledged, 1 when a send failed, 2 on bad arguments.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;

public final class IdleProducer {
  private static final String GROUP = "producer-metrics";

  private IdleProducer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: IdleProducer <bootstrap> <topic> <producer.properties> <key>");
      System.exit(2);
    }
    Properties config = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(args[2]), StandardCharsets.UTF_8)) {
      config.load(r);
    }
    config.put("bootstrap.servers", args[0]);
    config.put("key.serializer", StringSerializer.class.getName());
    config.put("value.serializer", StringSerializer.class.getName());
    String topic = args[1];
    String key = args[3];
    int code;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      code = send(producer, topic, key, key + "-1", Double.NaN) ? 0 : 1;
      if (code == 0) {
        double closedBeforeIdle = metric(producer, "connection-close-total");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (in.readLine() == null) {
          System.err.println("IdleProducer: stdin closed before the second message");
          code = 1;
        } else {
          code = send(producer, topic, key, key + "-2", closedBeforeIdle) ? 0 : 1;
        }
      }
    }
    System.exit(code);
  }

  /**
   * Sends one message and waits for its acknowledgement, watching the producer's metrics every
   * millisecond meanwhile. {@code closedBeforeIdle} is the close count before the idle time (NaN for
   * the first message).
   */
  private static boolean send(KafkaProducer<String, String> producer, String topic, String key, String value, double closedBeforeIdle) throws InterruptedException {
    double closed = metric(producer, "connection-close-total");
    double opened = metric(producer, "connection-creation-total");
    double retries = metric(producer, "record-retry-total");
    double open = metric(producer, "connection-count");
    long sentAt = System.currentTimeMillis();
    Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, key, value));
    long firstCloseAt = -1;
    while (!ack.isDone()) {
      if (firstCloseAt < 0 && metric(producer, "connection-close-total") > closed) firstCloseAt = System.currentTimeMillis();
      if (System.currentTimeMillis() - sentAt > 180_000) break;
      Thread.sleep(1);
    }
    StringBuilder line = new StringBuilder("{\"value\":").append(quote(value)).append(",\"sentAtMs\":").append(sentAt);
    line.append(",\"openAtSend\":").append((long) open);
    if (!Double.isNaN(closedBeforeIdle)) line.append(",\"closedWhileIdle\":").append((long) (closed - closedBeforeIdle));
    boolean ok;
    try {
      RecordMetadata m = ack.get(1, TimeUnit.SECONDS);
      line.append(",\"ackedAtMs\":").append(System.currentTimeMillis()).append(",\"partition\":").append(m.partition()).append(",\"offset\":").append(m.offset());
      ok = true;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      line.append(",\"error\":").append(quote(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
      ok = false;
    }
    if (firstCloseAt >= 0) line.append(",\"firstCloseAfterMs\":").append(firstCloseAt - sentAt);
    line.append(",\"closed\":").append((long) (metric(producer, "connection-close-total") - closed));
    line.append(",\"opened\":").append((long) (metric(producer, "connection-creation-total") - opened));
    line.append(",\"retries\":").append((long) (metric(producer, "record-retry-total") - retries)).append('}');
    System.out.println(line);
    System.out.flush();
    return ok;
  }

  private static double metric(KafkaProducer<String, String> producer, String name) {
    for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
      MetricName n = e.getKey();
      if (n.name().equals(name) && n.group().equals(GROUP)) return ((Number) e.getValue().metricValue()).doubleValue();
    }
    throw new IllegalStateException("the producer has no metric " + GROUP + "/" + name);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : String.valueOf(s).toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
