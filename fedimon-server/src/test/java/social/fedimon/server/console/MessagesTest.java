package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every text of the console and the mails exists in each language, with the same arguments: a
 * French reader never meets an English sentence or a {@code ??key??}, nor a sentence that drops a
 * date or a count its English twin shows.
 */
class MessagesTest {

  private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)[^}]*}");

  static Properties load(String name) throws Exception {
    Properties properties = new Properties();
    try (InputStream in = MessagesTest.class.getResourceAsStream("/i18n/" + name)) {
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return properties;
  }

  @Test
  void frenchHasEveryKeyOfEnglishWithTheSameArguments() throws Exception {
    Properties en = load("messages.properties");
    Properties fr = load("messages_fr.properties");
    assertThat(new TreeSet<>(fr.stringPropertyNames()))
        .isEqualTo(new TreeSet<>(en.stringPropertyNames()));
    for (String key : en.stringPropertyNames()) {
      assertThat(arguments(fr.getProperty(key))).as(key).isEqualTo(arguments(en.getProperty(key)));
    }
  }

  /** Each kind of task has its name on the pages that list tasks. */
  @Test
  void everyKindOfTaskHasItsName() throws Exception {
    var scanner =
        new org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider(
            false);
    scanner.addIncludeFilter(
        new org.springframework.core.type.filter.AssignableTypeFilter(
            social.fedimon.server.task.TaskKind.class));
    Properties en = load("messages.properties");
    java.util.List<String> kinds = new java.util.ArrayList<>();
    for (var candidate : scanner.findCandidateComponents("social.fedimon.server")) {
      Class<?> kind = Class.forName(candidate.getBeanClassName());
      if (kind.isInterface() || java.lang.reflect.Modifier.isAbstract(kind.getModifiers())) {
        continue;
      }
      kinds.add((String) kind.getField("NAME").get(null));
    }
    assertThat(kinds).contains("migrate-in", "export", "upgrade");
    for (String kind : kinds) {
      assertThat(en.getProperty("task.kind." + kind)).as(kind).isNotBlank();
    }
  }

  private static TreeSet<String> arguments(String text) {
    TreeSet<String> found = new TreeSet<>();
    Matcher m = ARGUMENT.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
