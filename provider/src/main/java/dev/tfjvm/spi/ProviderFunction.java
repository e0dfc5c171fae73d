package dev.tfjvm.spi;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Description;
import java.util.List;
import java.util.Optional;

/**
 * A pure function callable as {@code provider::NAME::function(...)}. It must give the same
 * result for the same arguments, and must not reach outside the process.
 */
public interface ProviderFunction {
    String name();

    List<Parameter> parameters();

    default Optional<Parameter> variadicParameter() {
        return Optional.empty();
    }

    CtyType returnType();

    String summary();

    default Description description() {
        return Description.NONE;
    }

    /** One value per parameter, variadic values appended; {@link FunctionException} names the bad argument. */
    CtyValue call(List<CtyValue> arguments) throws FunctionException;

    record Parameter(String name, CtyType type, boolean allowNull, boolean allowUnknown, Description description) {
        public static Parameter of(String name, CtyType type, String description) {
            return new Parameter(name, type, false, false, Description.plain(description));
        }
    }

    /** A function failure; {@code argument} is the index of the argument at fault, if one is. */
    final class FunctionException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Integer argument;

        public FunctionException(String message) {
            this(message, null);
        }

        public FunctionException(String message, Integer argument) {
            super(message);
            this.argument = argument;
        }

        public Optional<Integer> argument() {
            return Optional.ofNullable(argument);
        }
    }
}
