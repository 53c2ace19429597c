package dev.reliability.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"reliability.circuitbreaker.payments.failure-threshold=7"})
class StarterSmokeTest {

  @SpringBootApplication
  static class App {}

  @LocalServerPort int port;

  @Autowired Environment environment;

  @Test
  void anApplicationWithTheAutoConfigurationStartsOnARealServerAndAnswersItsHealthEndpoint()
      throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(
            SpringConfigSource.of(environment)
                .get("reliability.circuitbreaker.payments.failure-threshold"))
        .hasValueSatisfying(
            v -> {
              assertThat(v.text()).isEqualTo("7");
              assertThat(v.origin()).contains("failure-threshold");
            });
  }
}
