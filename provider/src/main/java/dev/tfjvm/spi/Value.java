package dev.tfjvm.spi;

import java.util.Optional;
import java.util.function.Function;

/**
 * One attribute's value in a configuration, plan or state, as a {@link Model} record component
 * reads it: {@link Known known}, {@link Null null} (not set) or {@link Unknown unknown} (known
 * after apply). Plan-time code switches over the three; apply-time code, where values are known,
 * can use {@link #optional()}.
 *
 * @param <T> the Java type of a known value
 */
public sealed interface Value<T> permits Value.Known, Value.Null, Value.Unknown {
    /** A known, non-null value. */
    record Known<T>(T value) implements Value<T> {
        public Known {
            java.util.Objects.requireNonNull(value, "value");
        }
    }

    /** Not set. */
    record Null<T>() implements Value<T> {}

    /** Known only after apply. */
    record Unknown<T>() implements Value<T> {}

    static <T> Value<T> of(T value) {
        return value == null ? new Null<>() : new Known<>(value);
    }

    static <T> Value<T> ofNull() {
        return new Null<>();
    }

    static <T> Value<T> unknown() {
        return new Unknown<>();
    }

    default boolean isKnown() {
        return !(this instanceof Unknown);
    }

    default boolean isNull() {
        return this instanceof Null;
    }

    /** The value, empty when null; an unknown value is a programming error here. */
    default Optional<T> optional() {
        if (this instanceof Known<T> k) {
            return Optional.of(k.value());
        }
        if (this instanceof Unknown) {
            throw new IllegalStateException(
                    "the value is not known yet (it is known after apply); check isKnown first");
        }
        return Optional.empty();
    }

    /** The same state with a known value mapped. */
    default <U> Value<U> map(Function<? super T, ? extends U> f) {
        if (this instanceof Known<T> k) {
            return new Known<>(f.apply(k.value()));
        }
        return this instanceof Unknown ? new Unknown<>() : new Null<>();
    }
}
