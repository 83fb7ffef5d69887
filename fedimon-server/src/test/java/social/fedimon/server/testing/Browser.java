package social.fedimon.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import social.fedimon.engine.testing.Tools;

/**
 * Debian's headless Chromium driven by its chromedriver: a browser of its own (profile, cookies)
 * per instance, closed with it.
 */
public final class Browser implements AutoCloseable {

  private final ChromeDriver driver;
  private final String base;

  public Browser(Platform.Node node, String language) {
    Tools.require("chromium", "chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=" + language);
    options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    this.driver = new ChromeDriver(service, options);
    this.base = node.base().toString().replaceAll("/$", "");
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String path) {
    driver.get(path.startsWith("http") ? path : base + path);
  }

  public String path() {
    return java.net.URI.create(driver.getCurrentUrl()).getPath();
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public java.util.List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  public void type(String css, String text) {
    WebElement field = find(css);
    field.clear();
    field.sendKeys(text);
  }

  /**
   * Waits until {@code until} holds (the page changes by itself: htmx, a redirect); elements that
   * the page replaced meanwhile are looked up again.
   */
  public <T> T await(Duration timeout, Function<WebDriver, T> until) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(until);
  }

  /**
   * Clicks what leads to another page (a link, a form's button) and waits until it is there. A live
   * page may replace the element between finding and clicking it: it is found again.
   */
  public void clickAndWait(String css) {
    for (int attempt = 1; ; attempt++) {
      try {
        clickAndWait(find(css));
        return;
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** Clicks {@code element}, which leads to another page, and waits until it is there. */
  public void clickAndWait(WebElement element) {
    WebElement page = driver.findElement(By.tagName("html"));
    element.click();
    new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50)).until(d -> gone(page));
  }

  /**
   * Whether the page's root element is gone. Chromium says so with a stale element, or, when the
   * question meets the page's replacement half-way, "Node with given id does not belong to the
   * document"; anything else met during a navigation is asked again.
   */
  private static boolean gone(WebElement page) {
    try {
      page.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return true;
    } catch (org.openqa.selenium.WebDriverException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("does not belong to the document")) {
        return true;
      }
      return false;
    }
  }

  /** Logs in on the log-in page as {@code email}, with the password tests' accounts have. */
  public void logIn(String email) {
    open("/login");
    type("#email", email);
    type("#password", "correct horse battery");
    clickAndWait("main form button[type=submit]");
  }

  public String text() {
    return find("main").getText();
  }

  /**
   * axe-core's serious and critical findings on the page as it is now, one line each (rule, impact,
   * the elements); empty when there is none.
   */
  public java.util.List<String> accessibilityProblems() {
    com.deque.html.axecore.results.Results results =
        new com.deque.html.axecore.selenium.AxeBuilder().analyze(driver);
    java.util.List<String> problems = new java.util.ArrayList<>();
    for (com.deque.html.axecore.results.Rule rule : results.getViolations()) {
      if ("serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact())) {
        StringBuilder line =
            new StringBuilder(path() + ": " + rule.getId() + " (" + rule.getImpact() + "): ");
        rule.getNodes().forEach(node -> line.append(node.getTarget()).append(' '));
        problems.add(line.toString().strip());
      }
    }
    return problems;
  }

  /** The page as a PNG under target/screenshots. */
  public Path screenshot(String name) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "screenshots"));
      Path file = dir.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
