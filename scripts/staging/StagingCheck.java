import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a file staging repository written by {@code mvn -Prelease deploy} (see
 * scripts/check-staging.sh): every module of the reactor that is not marked
 * {@code maven.deploy.skip} is staged, nothing else is; every POM carries the metadata Maven
 * Central requires (its own name and description; url, licenses, scm and developers, own or
 * inherited from a staged parent); every jar module has its jar, sources jar and Javadoc jar; every
 * library jar has a module-info.class (reliability-test and the Spring Boot modules, which run on the
 * class path as Spring's own jars do: an Automatic-Module-Name); no class named like a fake
 * (Manual*, Fake*, *Fake, *Stub)
 * ships outside reliability-test.
 *
 * <p>Run with the JDK's source launcher: {@code java StagingCheck.java <staging-dir> <repo-root>}.
 * Prints one line per problem and exits 1 when there is any.
 */
public final class StagingCheck {

  private static final String GROUP = "dev.reliability";
  private static final String TEST_SUPPORT = "reliability-test";

  /** Jars that are automatic modules on purpose, with the name each must carry. */
  private static final Map<String, String> AUTOMATIC_MODULES =
      Map.of(
          TEST_SUPPORT, "dev.reliability.test",
          "reliability-spring-boot-autoconfigure", "dev.reliability.spring.boot.autoconfigure",
          "reliability-spring-boot-starter", "dev.reliability.spring.boot.starter");
  private static final Pattern FAKE =
      Pattern.compile("(^|/)(Manual[A-Z]\\w*|Fake\\w*|\\w+Fake|\\w+Stub)(\\$[\\w$]*)?\\.class$");

  private final List<String> problems = new ArrayList<>();
  private final Map<String, Document> stagedPoms = new TreeMap<>();

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java StagingCheck.java <staging-dir> <repo-root>");
      System.exit(2);
    }
    StagingCheck check = new StagingCheck();
    int artifacts = check.run(Path.of(args[0]), Path.of(args[1]));
    if (check.problems.isEmpty()) {
      System.out.println("staging ok: " + artifacts + " artifacts checked");
      return;
    }
    check.problems.forEach(p -> System.out.println("STAGING: " + p));
    System.exit(1);
  }

  private int run(Path staging, Path root) throws Exception {
    Map<String, Boolean> expected = new TreeMap<>(); // artifactId -> deployed?
    expectedModules(root, expected);

    Path groupDir = staging.resolve(GROUP.replace('.', '/'));
    if (!Files.isDirectory(groupDir)) {
      problems.add("nothing staged under " + groupDir);
      return 0;
    }
    List<Path> versionDirs;
    try (Stream<Path> s = Files.walk(groupDir, 2)) {
      versionDirs = s.filter(p -> groupDir.relativize(p).getNameCount() == 2)
          .filter(Files::isDirectory)
          .sorted()
          .collect(Collectors.toList());
    }
    Map<String, Path> pomOf = new TreeMap<>();
    for (Path dir : versionDirs) {
      String artifactId = dir.getParent().getFileName().toString();
      Optional<Path> pom = newest(dir, ".pom");
      if (pom.isEmpty()) {
        problems.add(artifactId + ": no POM staged in " + dir);
        continue;
      }
      pomOf.put(artifactId, pom.get());
      stagedPoms.put(artifactId, parse(pom.get()));
    }

    expected.forEach(
        (artifactId, deployed) -> {
          if (deployed && !pomOf.containsKey(artifactId)) {
            problems.add(artifactId + ": module of the build, not staged");
          }
          if (!deployed && pomOf.containsKey(artifactId)) {
            problems.add(artifactId + ": staged, but it is never to be published");
          }
        });
    for (String artifactId : pomOf.keySet()) {
      if (!expected.containsKey(artifactId)) {
        problems.add(artifactId + ": staged, but not a module of this build");
      }
      if (artifactId.contains("example") || artifactId.contains("benchmark")) {
        problems.add(artifactId + ": examples and benchmarks are never published");
      }
    }

    for (Map.Entry<String, Path> e : pomOf.entrySet()) {
      checkPom(e.getKey());
      String packaging = text(stagedPoms.get(e.getKey()).getDocumentElement(), "packaging");
      if (packaging == null || packaging.equals("jar")) {
        checkJars(e.getKey(), e.getValue());
      }
    }
    return pomOf.size();
  }

  /** Reads the reactor: every module's artifactId, and whether it sets maven.deploy.skip. */
  private void expectedModules(Path dir, Map<String, Boolean> expected) throws Exception {
    Element project = parse(dir.resolve("pom.xml")).getDocumentElement();
    Element properties = child(project, "properties");
    boolean skipped =
        properties != null && "true".equals(text(properties, "maven.deploy.skip"));
    expected.put(text(project, "artifactId"), !skipped);
    Element modules = child(project, "modules");
    if (modules == null) {
      return;
    }
    for (Node n = modules.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals("module")) {
        expectedModules(dir.resolve(n.getTextContent().trim()), expected);
      }
    }
  }

  private void checkPom(String artifactId) {
    Element project = stagedPoms.get(artifactId).getDocumentElement();
    for (String own : List.of("name", "description")) {
      if (blank(text(project, own))) {
        problems.add(artifactId + ": POM has no <" + own + ">");
      }
    }
    if (blank(inherited(artifactId, "url", null))) {
      problems.add(artifactId + ": POM has no <url> (own or inherited)");
    }
    if (blank(inherited(artifactId, "licenses", "license"))) {
      problems.add(artifactId + ": POM has no <licenses><license> (own or inherited)");
    }
    for (String scm : List.of("connection", "developerConnection", "url")) {
      if (blank(inherited(artifactId, "scm", scm))) {
        problems.add(artifactId + ": POM has no <scm><" + scm + "> (own or inherited)");
      }
    }
    if (blank(inherited(artifactId, "developers", "developer"))) {
      problems.add(artifactId + ": POM has no <developers><developer> (own or inherited)");
    }
  }

  /** The text of project/name[/sub], looked up through the staged parents as Maven inherits it. */
  private String inherited(String artifactId, String name, String sub) {
    for (int depth = 0; artifactId != null && depth < 10; depth++) {
      Document pom = stagedPoms.get(artifactId);
      if (pom == null) {
        return null;
      }
      Element project = pom.getDocumentElement();
      Element element = child(project, name);
      if (element != null) {
        String value = sub == null ? element.getTextContent() : text(element, sub);
        if (!blank(value)) {
          return value;
        }
      }
      Element parent = child(project, "parent");
      artifactId =
          parent != null && GROUP.equals(text(parent, "groupId"))
              ? text(parent, "artifactId")
              : null;
    }
    return null;
  }

  private void checkJars(String artifactId, Path pom) throws IOException {
    String base = pom.getFileName().toString().replaceFirst("\\.pom$", "");
    Path dir = pom.getParent();
    Path jar = dir.resolve(base + ".jar");
    for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
      Path file = dir.resolve(base + suffix);
      if (!Files.isRegularFile(file) || Files.size(file) == 0) {
        problems.add(artifactId + ": " + base + suffix + " missing");
      }
    }
    if (!Files.isRegularFile(jar)) {
      return;
    }
    boolean moduleInfo = false;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        String entry = e.nextElement().getName();
        if (entry.equals("module-info.class")
            || entry.matches("META-INF/versions/\\d+/module-info\\.class")) {
          moduleInfo = true;
        }
        if (!artifactId.equals(TEST_SUPPORT) && FAKE.matcher(entry).find()) {
          problems.add(
              artifactId + ": ships " + entry + " (fakes belong in " + TEST_SUPPORT + " only)");
        }
      }
    } catch (IOException e) {
      problems.add(artifactId + ": " + jar.getFileName() + " is not a readable jar: " + e);
      return;
    }
    String automatic = AUTOMATIC_MODULES.get(artifactId);
    if (automatic != null) {
      // reliability-test: core compiles these sources into its own tests, where a second
      // module-info cannot go. The Spring Boot modules: Spring's jars are automatic modules too.
      String name = automaticModuleName(jar);
      if (!automatic.equals(name)) {
        problems.add(
            artifactId + ": Automatic-Module-Name must be " + automatic + ", was " + name);
      }
    } else if (!moduleInfo) {
      problems.add(artifactId + ": " + jar.getFileName() + " has no module-info.class");
    }
  }

  private static String automaticModuleName(Path jar) throws IOException {
    try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
      java.util.jar.Manifest manifest = file.getManifest();
      return manifest == null
          ? null
          : manifest.getMainAttributes().getValue("Automatic-Module-Name");
    }
  }

  /** The newest file ending in suffix, without a classifier (snapshots are timestamped). */
  private static Optional<Path> newest(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix))
          .max((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    }
  }

  private static Document parse(Path file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(file.toFile());
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
        return (Element) n;
      }
    }
    return null;
  }

  private static String text(Element parent, String name) {
    Element element = child(parent, name);
    return element == null ? null : element.getTextContent().trim();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
