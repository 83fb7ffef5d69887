// Lays the schedules of restores side by side, from the PostgreSQL server's log with
// log_min_duration_statement = 0 on the restored database (bench/restore-schedule.sh sets it):
// which statements ran at once, where a connection sat idle, what each kind of work cost.
//   java bench/RestoreSchedule.java LABEL=LOGFILE=DATABASE [LABEL=LOGFILE=DATABASE...]
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class RestoreSchedule {
  // %m [%p] %q%u@%d  (Debian's default log_line_prefix)
  private static final Pattern DURATION =
      Pattern.compile(
          "^\\d{4}-\\d\\d-\\d\\d (\\d\\d):(\\d\\d):(\\d\\d\\.\\d+) \\S+ \\[(\\d+)\\] \\S*@(\\S*) LOG:  duration: ([\\d.]+) ms  (?:statement|execute [^:]*): (.*)$");
  private static final Pattern CHECKPOINT =
      Pattern.compile(
          "^\\d{4}-\\d\\d-\\d\\d (\\d\\d):(\\d\\d):(\\d\\d\\.\\d+) \\S+ \\[\\d+\\] LOG:  checkpoint (starting|complete)(.*)$");

  record Statement(double start, double end, int lane, String kind, String label, String text) {
    double seconds() {
      return end - start;
    }
  }

  record Run(String label, List<Statement> statements, List<String> checkpoints, double origin) {}

  public static void main(String[] args) throws IOException {
    List<Run> runs = new ArrayList<>();
    for (String arg : args) {
      String[] parts = arg.split("=", 3);
      runs.add(read(parts[0], Path.of(parts[1]), parts[2]));
    }
    for (Run run : runs) {
      summary(run);
    }
    sideBySide(runs);
  }

  static Run read(String label, Path log, String database) throws IOException {
    List<Statement> statements = new ArrayList<>();
    List<double[]> raw = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<String> pids = new ArrayList<>();
    List<String> checkpointLines = new ArrayList<>();
    List<Double> checkpointTimes = new ArrayList<>();
    boolean ours = false;
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith("\t")) {
        // a statement's next lines: "ALTER TABLE ONLY t" is followed by "ADD CONSTRAINT ..."
        if (ours && texts.get(texts.size() - 1).length() < 200) {
          texts.set(texts.size() - 1, texts.get(texts.size() - 1) + " " + line.strip());
        }
        continue;
      }
      ours = false;
      Matcher m = DURATION.matcher(line);
      if (m.matches() && m.group(5).equals(database)) {
        double end = clock(m);
        double ms = Double.parseDouble(m.group(6));
        raw.add(new double[] {end - ms / 1000, end});
        texts.add(m.group(7));
        pids.add(m.group(4));
        ours = true;
        continue;
      }
      Matcher c = CHECKPOINT.matcher(line);
      if (c.matches()) {
        checkpointTimes.add(clock(c));
        checkpointLines.add(c.group(4) + c.group(5));
      }
    }
    double origin = raw.stream().mapToDouble(r -> r[0]).min().orElse(0);
    Map<String, Integer> lanes = new LinkedHashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      int lane = lanes.computeIfAbsent(pids.get(i), p -> lanes.size() + 1);
      String text = texts.get(i);
      statements.add(
          new Statement(
              raw.get(i)[0] - origin, raw.get(i)[1] - origin, lane, kind(text), label(text), text));
    }
    statements.sort(Comparator.comparingDouble(Statement::start));
    List<String> checkpoints = new ArrayList<>();
    for (int i = 0; i < checkpointTimes.size(); i++) {
      double t = checkpointTimes.get(i) - origin;
      double last = statements.isEmpty() ? 0 : statements.get(statements.size() - 1).end();
      if (t >= 0 && t <= last) {
        checkpoints.add(String.format("%6.1f s  checkpoint %s", t, checkpointLines.get(i)));
      }
    }
    return new Run(label, statements, checkpoints, origin);
  }

  static double clock(Matcher m) {
    return Integer.parseInt(m.group(1)) * 3600
        + Integer.parseInt(m.group(2)) * 60
        + Double.parseDouble(m.group(3));
  }

  static String kind(String sql) {
    String s = sql.trim().toUpperCase();
    if (s.startsWith("COPY ")) return "data (COPY)";
    if (s.contains(" FOREIGN KEY")) return "foreign key (ADD)";
    if (s.contains(" VALIDATE CONSTRAINT ")) return "foreign key (VALIDATE)";
    if (s.startsWith("CREATE INDEX") || s.startsWith("CREATE UNIQUE INDEX")) return "index";
    if (s.contains(" PRIMARY KEY") || s.contains(" UNIQUE") || s.contains(" EXCLUDE")) {
      return "primary key, unique";
    }
    if (s.startsWith("CREATE ") || s.startsWith("ALTER ") || s.startsWith("COMMENT ")) {
      return "schema";
    }
    return "other";
  }

  static String label(String sql) {
    String[] w = sql.trim().replace(";", "").split("\\s+");
    String s = sql.trim().toUpperCase();
    if (s.startsWith("COPY ")) return "copy " + shortName(w[1]);
    if (s.startsWith("CREATE INDEX") || s.startsWith("CREATE UNIQUE INDEX")) {
      return "ix " + shortName(w[s.startsWith("CREATE UNIQUE") ? 3 : 2]);
    }
    int constraint = indexOf(w, "CONSTRAINT");
    if (constraint > 0 && constraint + 1 < w.length) {
      String verb = s.contains(" VALIDATE ") ? "check " : s.contains("FOREIGN KEY") ? "fk " : "";
      return verb + shortName(w[constraint + 1]);
    }
    return sql.length() > 28 ? sql.substring(0, 28) : sql;
  }

  static int indexOf(String[] words, String word) {
    for (int i = 0; i < words.length; i++) {
      if (words[i].equalsIgnoreCase(word)) return i;
    }
    return -1;
  }

  static String shortName(String name) {
    return name.replace("public.", "").replace("\"", "");
  }

  static void summary(Run run) {
    List<Statement> st = run.statements();
    double wall = st.stream().mapToDouble(Statement::end).max().orElse(0);
    System.out.printf("## %s: %d statements over %.1f s%n%n", run.label(), st.size(), wall);
    // time with n statements running at once, at 10 ms steps
    Map<Integer, Double> busy = new TreeMap<>();
    for (double t = 0; t < wall; t += 0.01) {
      int n = 0;
      for (Statement s : st) {
        if (s.start() <= t && t < s.end()) n++;
      }
      busy.merge(n, 0.01, Double::sum);
    }
    System.out.print("Statements running at once:");
    busy.forEach((n, s) -> System.out.printf(" %d for %.1f s;", n, s));
    System.out.println();
    System.out.println();
    System.out.println("| work | statements | sum of durations s | first start s | last end s |");
    System.out.println("|---|---|---|---|---|");
    Map<String, double[]> kinds = new TreeMap<>();
    for (Statement s : st) {
      double[] k = kinds.computeIfAbsent(s.kind(), x -> new double[] {0, 0, 1e9, 0});
      k[0]++;
      k[1] += s.seconds();
      k[2] = Math.min(k[2], s.start());
      k[3] = Math.max(k[3], s.end());
    }
    kinds.forEach(
        (kind, k) ->
            System.out.printf("| %s | %d | %.1f | %.1f | %.1f |%n", kind, (int) k[0], k[1], k[2], k[3]));
    System.out.println();
    System.out.println("Statements of 0.5 s or more (lane = server backend):");
    System.out.println();
    System.out.println("| start s | end s | seconds | lane | statement |");
    System.out.println("|---|---|---|---|---|");
    Map<String, double[]> copies = new LinkedHashMap<>();
    for (Statement s : st) {
      if (s.kind().equals("data (COPY)")) {
        double[] c = copies.computeIfAbsent(s.label(), x -> new double[] {1e9, 0, 0, 0});
        c[0] = Math.min(c[0], s.start());
        c[1] = Math.max(c[1], s.end());
        c[2] += s.seconds();
        c[3]++;
        continue;
      }
      if (s.seconds() >= 0.5) {
        System.out.printf(
            "| %.1f | %.1f | %.2f | %d | %s |%n", s.start(), s.end(), s.seconds(), s.lane(), s.label());
      }
    }
    System.out.println();
    System.out.println("Table data (all COPYs of a table: first start, last end, summed duration):");
    System.out.println();
    System.out.println("| table | COPYs | first start s | last end s | sum s |");
    System.out.println("|---|---|---|---|---|");
    copies.forEach(
        (table, c) -> {
          if (c[2] >= 0.2) {
            System.out.printf("| %s | %d | %.1f | %.1f | %.2f |%n", table, (int) c[3], c[0], c[1], c[2]);
          }
        });
    if (!run.checkpoints().isEmpty()) {
      System.out.println();
      run.checkpoints().forEach(c -> System.out.println("    " + c));
    }
    System.out.println();
  }

  /** One row per second: what ran in that second, longest first, for each run. */
  static void sideBySide(List<Run> runs) {
    double wall = 0;
    for (Run run : runs) {
      wall = Math.max(wall, run.statements().stream().mapToDouble(Statement::end).max().orElse(0));
    }
    StringBuilder head = new StringBuilder("| s |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Run run : runs) {
      head.append(' ').append(run.label()).append(" |");
      rule.append("---|");
    }
    System.out.println("## Side by side, second by second (what ran, most of the second first)");
    System.out.println();
    System.out.println(head);
    System.out.println(rule);
    for (int second = 0; second < Math.ceil(wall); second++) {
      StringBuilder row = new StringBuilder("| " + second + " |");
      for (Run run : runs) {
        Map<String, Double> in = new LinkedHashMap<>();
        for (Statement s : run.statements()) {
          double overlap = Math.min(s.end(), second + 1) - Math.max(s.start(), second);
          if (overlap > 0) in.merge(s.label(), overlap, Double::sum);
        }
        List<String> cells = new ArrayList<>();
        double used = 0;
        for (var e : in.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList()) {
          used += e.getValue();
          if (cells.size() < 3 && e.getValue() >= 0.1) {
            cells.add(String.format("%s %.1f", e.getKey(), e.getValue()));
          }
        }
        row.append(String.format(" %s (busy %.1f) |", String.join(", ", cells), used));
      }
      System.out.println(row);
    }
  }
}
