package dev.tfjvm.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tfjvm.log.Level;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The daemon's small pieces: idle times, the frame codec, the level of a log line. */
class DaemonPartsTest {
    @Test
    void idleTimesInSecondsOrGoStyleUnits() {
        assertThat(IdleTime.parse("600")).contains(Duration.ofMinutes(10));
        assertThat(IdleTime.parse("90s")).contains(Duration.ofSeconds(90));
        assertThat(IdleTime.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(IdleTime.parse("250ms")).contains(Duration.ofMillis(250));
        assertThat(IdleTime.parse("")).isEmpty();
        assertThat(IdleTime.parse("soon")).isEmpty();
        assertThat(IdleTime.parse("10m junk")).isEmpty();
    }

    @Test
    void aRequestRoundTripsAndOtherFramesAreRefused() throws IOException {
        byte[] payload = Frames.request("/work/dir", List.of("A=1", "B=x=y"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.write(Channels.newChannel(out), Frames.REQUEST, payload);
        Frames.Frame frame = Frames.read(Channels.newChannel(new ByteArrayInputStream(out.toByteArray())), 1 << 20);
        Frames.Request request = Frames.request(frame);
        assertThat(request.workingDirectory()).isEqualTo("/work/dir");
        assertThat(request.environment()).containsExactly("A=1", "B=x=y");

        assertThatThrownBy(() -> Frames.request(new Frames.Frame(Frames.LOG, payload)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Frames.request(
                        new Frames.Frame(Frames.REQUEST, "tfjvm-launch-9\0/\0".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("the launcher and the provider jar do not match");
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        Frames.write(Channels.newChannel(big), Frames.REQUEST, new byte[100]);
        assertThatThrownBy(() -> Frames.read(Channels.newChannel(new ByteArrayInputStream(big.toByteArray())), 10))
                .hasMessageContaining("too large");
    }

    @Test
    void theLevelOfALogLineIsItsFirstField() {
        assertThat(SessionLogs.level("{\"@level\":\"debug\",\"@message\":\"x\"}\n".getBytes(StandardCharsets.UTF_8)))
                .contains(Level.DEBUG);
        assertThat(SessionLogs.level("plain text".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Optional.empty());
    }
}
