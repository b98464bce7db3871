import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads each file named on the command line as Kafka does (Utils.loadProps: Properties.load of the
 * file's bytes) and prints one JSON line per file: {"properties": {key: value, ...}, "repeated": [key, ...]}
 * (the keys set more than once) or {"error": "..."}.
 * Run from source: java LoadProperties.java FILE...
 */
public class LoadProperties {
    public static void main(String[] args) throws Exception {
        for (String file : args) {
            Set<String> repeated = new TreeSet<>();
            // load() puts each logical line through put(): a key already there is set again.
            Properties props = new Properties() {
                @Override
                public synchronized Object put(Object key, Object value) {
                    if (containsKey(key)) repeated.add((String) key);
                    return super.put(key, value);
                }
            };
            try (InputStream in = Files.newInputStream(Paths.get(file))) {
                props.load(in);
            } catch (IllegalArgumentException e) {
                System.out.println("{\"error\":" + json(e.getMessage()) + "}");
                continue;
            }
            StringBuilder out = new StringBuilder("{\"properties\":{");
            String sep = "";
            for (String key : new TreeSet<>(props.stringPropertyNames())) {
                out.append(sep).append(json(key)).append(':').append(json(props.getProperty(key)));
                sep = ",";
            }
            out.append("},\"repeated\":[");
            sep = "";
            for (String key : repeated) {
                out.append(sep).append(json(key));
                sep = ",";
            }
            System.out.println(out.append("]}"));
        }
    }

    /** Every character outside printable ASCII as \\uXXXX, so that the JSON is ASCII and exact. */
    private static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c >= 0x20 && c < 0x7f) out.append(c);
            else out.append(String.format("\\u%04x", (int) c));
        }
        return out.append('"').toString();
    }
}
