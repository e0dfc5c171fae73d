package dev.multikernel.provider.functions;

import dev.multikernel.provider.values.ByteSize;
import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Description;
import dev.tfjvm.spi.ProviderFunction;
import java.util.List;

/** {@code provider::multikernel::size_format(1610612736)} → {@code "1536MiB"}. */
public final class SizeFormatFunction implements ProviderFunction {
    @Override
    public String name() {
        return "size_format";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter(
                "bytes",
                CtyType.NUMBER,
                false,
                false,
                Description.markdown("A whole number of bytes, from 0 to 9223372036854775807.")));
    }

    @Override
    public CtyType returnType() {
        return CtyType.STRING;
    }

    @Override
    public String summary() {
        return "Writes a number of bytes in the largest binary unit that fits exactly, such as \"1536MiB\"";
    }

    @Override
    public Description description() {
        return Description.markdown("""
                Writes a number of bytes as a size in the largest binary unit (`KiB`, `MiB`, `GiB`, \
                `TiB`, `PiB`, `EiB`) that divides it exactly, so no information is lost; a size that is \
                not a whole number of KiB is written in bytes (`"4097B"`).

                ```terraform
                provider::multikernel::size_format(1073741824) # "1GiB"
                provider::multikernel::size_format(1610612736) # "1536MiB"
                provider::multikernel::size_format(4097)       # "4097B"
                ```

                `size_parse` is the inverse: `size_parse(size_format(n)) == n`.""");
    }

    @Override
    public CtyValue call(List<CtyValue> arguments) throws FunctionException {
        CtyNumber n = ((CtyValue.Num) arguments.get(0)).value();
        if (n.signum() < 0) {
            throw new FunctionException(
                    Arguments.show(n) + " is negative; a size is a whole number of bytes from 0 to " + Long.MAX_VALUE,
                    0);
        }
        if (!n.isInfinite() && !n.isIntegral()) {
            throw new FunctionException(
                    Arguments.show(n) + " is not a whole number of bytes; round it first, for"
                            + " example with floor()",
                    0);
        }
        if (!n.fitsLong()) {
            throw new FunctionException(
                    Arguments.show(n) + " is too large; the largest size is " + Long.MAX_VALUE
                            + " bytes (8EiB minus one byte)",
                    0);
        }
        return CtyValue.string(ByteSize.ofBytes(n.longValueExact()).format());
    }
}
