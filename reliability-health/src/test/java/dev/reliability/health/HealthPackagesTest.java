package dev.reliability.health;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.reliability.health.alert.WebhookAlertNotifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of the dependencies between the health module's packages: the model, the registry,
 * the built-in checks and their implementation ({@code dev.reliability.health}, {@code checks},
 * {@code spi}, {@code internal}) know nothing of how reports are served ({@code http}) or alerts
 * are sent ({@code alert}), and those two know nothing of each other. Each rule is also shown to
 * fail on a fixture that has the forbidden edge.
 */
class HealthPackagesTest {

  private static final String HTTP = "dev.reliability.health.http..";
  private static final String ALERT = "dev.reliability.health.alert..";

  static final ArchRule MODEL_KNOWS_NEITHER_HTTP_NOR_ALERTS =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.reliability.health",
              "dev.reliability.health.internal..",
              "dev.reliability.health.checks..",
              "dev.reliability.health.spi..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(HTTP, ALERT)
          .because(
              "the endpoints and the alerts are built on the registry, not the other way round");

  static final ArchRule HTTP_KNOWS_NO_ALERTS =
      noClasses()
          .that()
          .resideInAPackage(HTTP)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ALERT)
          .because("serving reports and sending alerts are separate concerns");

  static final ArchRule ALERTS_KNOW_NO_HTTP =
      noClasses()
          .that()
          .resideInAPackage(ALERT)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(HTTP)
          .because("serving reports and sending alerts are separate concerns");

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_ARCHIVES)
            .importPackages("dev.reliability.health");
  }

  @Test
  void importsEveryPackageOfTheModule() {
    for (String p : new String[] {"", ".internal", ".checks", ".spi", ".http", ".alert"}) {
      assertThat(production.containPackage("dev.reliability.health" + p)).as(p).isTrue();
    }
  }

  @Test
  void modelRegistryAndInternalsDependOnNeitherHttpNorAlert() {
    MODEL_KNOWS_NEITHER_HTTP_NOR_ALERTS.check(production);
  }

  @Test
  void httpAndAlertDoNotDependOnEachOther() {
    HTTP_KNOWS_NO_ALERTS.check(production);
    ALERTS_KNOW_NO_HTTP.check(production);
  }

  @Test
  void modelRuleFailsWhenTheRootPackageUsesAlerts() {
    JavaClasses fixture = new ClassFileImporter().importClasses(RootUsesAlert.class);

    assertViolation(MODEL_KNOWS_NEITHER_HTTP_NOR_ALERTS.evaluate(fixture), "RootUsesAlert");
  }

  @Test
  void modelRuleFailsWhenInternalUsesHttp() {
    JavaClasses fixture = fixture("dev.reliability.health.internal.archfixture");

    assertViolation(MODEL_KNOWS_NEITHER_HTTP_NOR_ALERTS.evaluate(fixture), "InternalUsesHttp");
  }

  @Test
  void httpRuleFailsWhenHttpUsesAlerts() {
    JavaClasses fixture = fixture("dev.reliability.health.http.archfixture");

    assertViolation(HTTP_KNOWS_NO_ALERTS.evaluate(fixture), "HttpUsesAlert");
  }

  @Test
  void alertRuleFailsWhenAlertsUseHttp() {
    JavaClasses fixture = fixture("dev.reliability.health.alert.archfixture");

    assertViolation(ALERTS_KNOW_NO_HTTP.evaluate(fixture), "AlertUsesHttp");
  }

  private static JavaClasses fixture(String fixturePackage) {
    JavaClasses fixture = new ClassFileImporter().importPackages(fixturePackage);
    assertThat(fixture).as("fixture classes in " + fixturePackage).isNotEmpty();
    return fixture;
  }

  private static void assertViolation(EvaluationResult result, String offender) {
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains(offender));
  }

  /** A root-package class with the forbidden edge, for the rule's own test. */
  static final class RootUsesAlert {
    WebhookAlertNotifier.Format format() {
      return WebhookAlertNotifier.Format.GENERIC_JSON;
    }
  }
}
