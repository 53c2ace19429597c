package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the Java snippets in {@code docs/} and the README compiling: every paragraph (lines between
 * blank lines) of every {@code ```java} block must appear, ignoring whitespace, in a compiled
 * source file of some module, usually a test that exercises it. Blocks that are not meant to
 * compile use another fence language, such as {@code ```text}.
 */
class DocsSnippetsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyJavaSnippetInTheDocsIsCompiledCode() throws IOException {
    List<String> sources = compiledSources();
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Path doc : docs()) {
      for (Snippet s : javaSnippets(doc)) {
        for (String paragraph : s.code.split("\n\\s*\n")) {
          if (paragraph.isBlank()) {
            continue;
          }
          checked++;
          String wanted = squash(paragraph);
          if (sources.stream().noneMatch(src -> src.contains(wanted))) {
            missing.add(
                ROOT.relativize(doc)
                    + ":"
                    + s.line
                    + " paragraph starting \""
                    + paragraph.strip().lines().findFirst().orElse("")
                    + "\"");
          }
        }
      }
    }
    assertThat(checked).as("java snippets found in the docs").isPositive();
    assertThat(missing).as("snippets not found in any compiled test source").isEmpty();
  }

  @Test
  void theSnippetExtractorFindsFencedJavaOnly() {
    List<Snippet> snippets =
        javaSnippets(
            "text\n```java\nint a = 1;\n```\n```xml\n<a/>\n```\n```text\nnot code\n```\n```java\nint b = 2;\n```\n",
            Path.of("x.md"));

    assertThat(snippets)
        .extracting(s -> s.code.strip())
        .containsExactly("int a = 1;", "int b = 2;");
    assertThat(snippets).extracting(s -> s.line).containsExactly(3, 12);
    assertThat(squash(" int  a =\n 1 ;")).isEqualTo("inta=1;");
  }

  private static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> walk = Files.walk(ROOT.resolve("docs"))) {
      walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  @Test
  void theCompiledSourcesIncludeTheNestedSpringBootExample() throws IOException {
    assertThat(compiledSources())
        .anyMatch(
            src -> src.contains(squash("SpringApplication.run(QuoteServiceApplication.class")));
  }

  /**
   * The sources of every module: the root's folders, and the modules nested one level down (the
   * Spring Boot example in {@code examples/spring-boot}).
   */
  private static List<String> compiledSources() throws IOException {
    List<Path> modules = new ArrayList<>();
    try (Stream<Path> top = Files.list(ROOT)) {
      for (Path module : top.filter(Files::isDirectory).sorted().toList()) {
        modules.add(module);
        try (Stream<Path> nested = Files.list(module)) {
          nested
              .filter(n -> Files.isRegularFile(n.resolve("pom.xml")))
              .sorted()
              .forEach(modules::add);
        }
      }
    }
    List<String> sources = new ArrayList<>();
    for (Path module : modules) {
      for (Path dir : List.of(module.resolve("src/test/java"), module.resolve("src/main/java"))) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.filter(p -> p.toString().endsWith(".java"))
              .forEach(p -> sources.add(squash(read(p))));
        }
      }
    }
    return sources;
  }

  private static List<Snippet> javaSnippets(Path doc) {
    return javaSnippets(read(doc), doc);
  }

  private static List<Snippet> javaSnippets(String text, Path doc) {
    List<Snippet> snippets = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String fence = lines[i].strip();
      if (!fence.startsWith("```")) {
        continue;
      }
      String language = fence.substring(3).strip();
      StringBuilder code = new StringBuilder();
      int start = i + 2;
      i++;
      while (i < lines.length && !lines[i].strip().equals("```")) {
        code.append(lines[i]).append('\n');
        i++;
      }
      if (language.equals("java")) {
        snippets.add(new Snippet(start, code.toString()));
      }
    }
    return snippets;
  }

  private static String squash(String s) {
    return s.replaceAll("\\s+", "");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Snippet(int line, String code) {}
}
