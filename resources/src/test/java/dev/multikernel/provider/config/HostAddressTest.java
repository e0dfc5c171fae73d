package dev.multikernel.provider.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostAddressTest {

    @Test
    void everyAcceptedForm() {
        assertThat(HostAddress.parse("10.0.0.5"))
                .isEqualTo(new HostAddress(Optional.empty(), "10.0.0.5", OptionalInt.empty()));
        assertThat(HostAddress.parse("admin@host-1.example.com"))
                .isEqualTo(new HostAddress(Optional.of("admin"), "host-1.example.com", OptionalInt.empty()));
        assertThat(HostAddress.parse("127.0.0.1:2222"))
                .isEqualTo(new HostAddress(Optional.empty(), "127.0.0.1", OptionalInt.of(2222)));
        assertThat(HostAddress.parse("root@127.0.0.1:22"))
                .isEqualTo(new HostAddress(Optional.of("root"), "127.0.0.1", OptionalInt.of(22)));
        assertThat(HostAddress.parse("root@[2001:db8::5]:2200"))
                .isEqualTo(new HostAddress(Optional.of("root"), "2001:db8::5", OptionalInt.of(2200)));
        assertThat(HostAddress.parse("2001:db8::5"))
                .isEqualTo(new HostAddress(Optional.empty(), "2001:db8::5", OptionalInt.empty()));
    }

    @Test
    void describeWritesItBack() {
        for (String s : new String[] {"10.0.0.5", "a@h", "h:22", "a@[::1]:2222", "::1"}) {
            assertThat(HostAddress.parse(s).describe()).isEqualTo(s);
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|it is empty",
                "'a b'|white space",
                "@host|the user before '@' is empty",
                "a@b@c|more than one '@'",
                "host:|the port \"\" is not a number",
                "host:0|the port 0 is not from 1 to 65535",
                "host:70000|the port 70000 is not from 1 to 65535",
                "host:22x|the port \"22x\" is not a number",
                "[::1|has no ']'",
                "[::1]22|only ':port' may follow ']'",
                "a@:22|the address is empty",
            })
    void malformedHostsSayWhatIsWrongAndTheForms(String text, String why) {
        assertThatThrownBy(() -> HostAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a host: ")
                .hasMessageContaining(why)
                .hasMessageContaining("\"user@address:port\"");
    }

    @Test
    void veryLongInputIsRefusedAndShortenedInTheMessage() {
        String text = "h".repeat(10_000);
        assertThatThrownBy(() -> HostAddress.parse(text))
                .hasMessageContaining("longer than 300")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
    }
}
