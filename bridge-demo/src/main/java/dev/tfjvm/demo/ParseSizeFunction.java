package dev.tfjvm.demo;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Description;
import dev.tfjvm.spi.ProviderFunction;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code provider::demo::parse_size("1.5GiB")} → bytes. */
final class ParseSizeFunction implements ProviderFunction {
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*");
    private static final Map<String, Long> UNITS = Map.of(
            "",
            1L,
            "b",
            1L,
            "kb",
            1000L,
            "mb",
            1000_000L,
            "gb",
            1000_000_000L,
            "kib",
            1L << 10,
            "mib",
            1L << 20,
            "gib",
            1L << 30,
            "tib",
            1L << 40);

    @Override
    public String name() {
        return "parse_size";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(Parameter.of("size", CtyType.STRING, "A size such as \"512MiB\", \"1.5GiB\" or \"100kB\"."));
    }

    @Override
    public CtyType returnType() {
        return CtyType.NUMBER;
    }

    @Override
    public String summary() {
        return "Converts a size string to a number of bytes";
    }

    @Override
    public Description description() {
        return Description.markdown("Accepts IEC units (`KiB`, `MiB`, `GiB`, `TiB`) and SI units (`kB`, `MB`, `GB`).");
    }

    @Override
    public CtyValue call(List<CtyValue> arguments) throws FunctionException {
        String text = ((CtyValue.Str) arguments.get(0)).value();
        Matcher m = SIZE.matcher(text);
        Long unit = m.matches() ? UNITS.get(m.group(2).toLowerCase(Locale.ROOT)) : null;
        if (unit == null) {
            throw new FunctionException(
                    "\"" + text + "\" is not a size; write a number and a unit such as \"512MiB\","
                            + " \"1.5GiB\" or \"100kB\"",
                    0);
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (bytes.stripTrailingZeros().scale() > 0) {
            throw new FunctionException("\"" + text + "\" is not a whole number of bytes", 0);
        }
        return CtyValue.number(bytes.toBigIntegerExact().longValueExact());
    }
}
