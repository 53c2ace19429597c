package dev.reliability.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

  @TempDir Path dir;

  @Test
  void drawsSmallPngsOfP99AndLimitPerLimiter() throws Exception {
    LoadRun.Builder builder = new LoadRun.Builder("ours-gradient", 2);
    for (int i = 0; i < 20; i++) {
      builder.limitSample(16 + i % 3);
    }
    Histogram second = new Histogram(3);
    second.recordValue(10_500);
    LoadRun run = builder.second(second, 1, 0, 0, 0).second(second.copy(), 1, 0, 0, 0).build();
    Path p99 = dir.resolve("images/p99.png");
    Path limit = dir.resolve("images/limit.png");

    Charts.p99PerSecond(p99, "p99", List.of(run), 1.0);
    Charts.limitOverTime(limit, "limit", List.of(run), 1.0);

    for (Path file : List.of(p99, limit)) {
      BufferedImage image = ImageIO.read(file.toFile());
      assertThat(image.getWidth()).isEqualTo(800);
      assertThat(image.getHeight()).isEqualTo(400);
    }
  }
}
