package dev.multikernel.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.kernel.Operation;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The small parsers behind the command line options. */
class ParsingTest {

    @Test
    void durations() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationConverter.parse("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> DurationConverter.parse("-1s")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> DurationConverter.parse("99999999999s")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void generations() {
        assertThat(GenerationChoice.parse("RFC_V2")).isEqualTo(GenerationChoice.RFC_V2);
        assertThat(GenerationChoice.parse("mixed").forHost(0)).isEqualTo(InterfaceGeneration.CURRENT);
        assertThat(GenerationChoice.parse("mixed").forHost(1)).isEqualTo(InterfaceGeneration.RFC_V2);
        assertThat(GenerationChoice.parse("mixed").forHost(2)).isEqualTo(InterfaceGeneration.CURRENT);
        assertThatThrownBy(() -> GenerationChoice.parse("v3")).hasMessageContaining("current, rfc-v2 or mixed");
    }

    @Test
    void operationsAndErrnos() {
        assertThat(AdminCommands.operation("kexec-file-load")).isEqualTo(Operation.KEXEC_FILE_LOAD);
        assertThat(AdminCommands.operation("WRITE")).isEqualTo(Operation.WRITE);
        assertThat(AdminCommands.errno("ebusy")).isEqualTo(Errno.EBUSY);
        assertThat(AdminCommands.errno(Integer.toString(Errno.EIO.number()))).isEqualTo(Errno.EIO);
        assertThatThrownBy(() -> AdminCommands.errno("99999999999")).hasMessageContaining("unknown errno");
        assertThatThrownBy(() -> AdminCommands.operation("fly")).hasMessageContaining("kexec-file-load");
    }

    @Test
    void optionsAreValidated() {
        StateDir dir = new StateDir(Path.of("/tmp/x"));
        assertThatThrownBy(() -> SimulatorOptions.defaults(dir, 0)).hasMessageContaining("--hosts");
        assertThatThrownBy(() -> SimulatorOptions.defaults(dir, 65)).hasMessageContaining("--hosts");
        assertThatThrownBy(() -> SimulatorOptions.defaults(dir, 3).withBasePort(65534))
                .hasMessageContaining("--base-port");
        CliRun badStart = CliRun.of("start", "--hosts", "0", "--state-dir", "/tmp/never-created-by-this-test");
        assertThat(badStart.exitCode()).isEqualTo(2);
        assertThat(badStart.err()).contains("--hosts must be 1..64");
    }
}
