package dev.reliability.tracing.docs;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.tracing.JsonLogs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The code shown in docs/logging.md; the docs check asserts the text matches. */
class LoggingGuideTest {

  @Test
  void structuredArguments() throws Exception {
    List<JsonNode> lines;
    try (JsonLogs logs = new JsonLogs(Map.of("RELIABILITY_SERVICE_NAME", "marketing-engine"))) {
      Logger log = logs.logger("com.example.Campaigns");
      String campaignId = "camp_a3d4e2f1";
      try (ContextScope scope = RequestContext.of("req_a3d4e2f1").bind()) {
        // docs/logging.md: structured arguments
        log.info("campaign_created {}", kv("campaign_id", campaignId), kv("channels", 3));
        log.atInfo().addKeyValue("tenant_id", "acme-corp").log("keyword_research_started");
      }
      lines = logs.lines();
    }

    assertThat(lines.get(0).get("message").asText())
        .isEqualTo("campaign_created campaign_id=camp_a3d4e2f1");
    assertThat(lines.get(0).get("channels").asInt()).isEqualTo(3);
    assertThat(lines.get(0).get("service").asText()).isEqualTo("marketing-engine");
    assertThat(lines.get(1).get("tenant_id").asText()).isEqualTo("acme-corp");
    assertThat(lines.get(1).get("request_id").asText()).isEqualTo("req_a3d4e2f1");
  }
}
