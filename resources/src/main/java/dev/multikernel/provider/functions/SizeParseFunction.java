package dev.multikernel.provider.functions;

import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.InvalidValueException;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Description;
import dev.tfjvm.spi.ProviderFunction;
import java.util.List;

/** {@code provider::multikernel::size_parse("1.5GiB")} → {@code 1610612736}. */
public final class SizeParseFunction implements ProviderFunction {
    @Override
    public String name() {
        return "size_parse";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter(
                "size",
                CtyType.STRING,
                false,
                false,
                Description.markdown("A size such as `\"1GiB\"`, `\"1.5GiB\"`, `\"4G\"` or `\"1073741824\"`.")));
    }

    @Override
    public CtyType returnType() {
        return CtyType.NUMBER;
    }

    @Override
    public String summary() {
        return "Converts a size such as \"1.5GiB\" to a number of bytes";
    }

    @Override
    public Description description() {
        return Description.markdown("""
                Converts a memory size to a number of bytes.

                - A size is a number and an optional unit; white space between them is ignored, and \
                letter case is not significant.
                - **Every unit is a power of 1024.** `K`, `KB` and `KiB` all mean 1024 bytes; likewise \
                `M`/`MB`/`MiB`, `G`/`GB`/`GiB`, `T`/`TB`/`TiB`, `P`/`PB`/`PiB` and `E`/`EB`/`EiB`. \
                This is what the kernel's `mkkernel_pool=4G` and kerf's `--memory 2GB` mean, so sizes \
                copied from either mean the same here. There is no 1000-based unit: write the byte \
                count instead.
                - A fraction is allowed when the result is a whole number of bytes (`"1.5GiB"`).
                - A plain byte count may be decimal (`"1073741824"`) or hexadecimal, as device trees \
                print it (`"0x40000000"`).
                - The largest size is 9223372036854775807 bytes (8 EiB minus one byte).

                ```terraform
                provider::multikernel::size_parse("1GiB")   # 1073741824
                provider::multikernel::size_parse("1.5GiB") # 1610612736
                provider::multikernel::size_parse("512M")   # 536870912
                ```

                `size_format` is the inverse.""");
    }

    @Override
    public CtyValue call(List<CtyValue> arguments) throws FunctionException {
        String text = ((CtyValue.Str) arguments.get(0)).value();
        try {
            return CtyValue.number(ByteSize.parse(text).bytes());
        } catch (InvalidValueException e) {
            throw new FunctionException(e.getMessage(), 0);
        }
    }
}
