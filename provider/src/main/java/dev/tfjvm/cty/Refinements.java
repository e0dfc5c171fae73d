package dev.tfjvm.cty;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What is already known about an unknown value (go-cty "refinements"): that it will not be null,
 * a prefix of the future string, bounds of the future number, bounds of the future collection
 * length. A provider that plans a refinement must make it hold after apply.
 *
 * <p>Trivial facts are normalised away so that equal knowledge gives equal records:
 * {@code notNull} only ever holds {@code true} (false = "may be null" = no refinement), an empty
 * prefix, a lower bound of -Inf, an upper bound of +Inf, a minimum length of 0 and a maximum
 * length of {@link Long#MAX_VALUE} all become empty.
 */
public record Refinements(
        Optional<Boolean> notNull,
        Optional<String> stringPrefix,
        Optional<NumberBound> lowerBound,
        Optional<NumberBound> upperBound,
        OptionalLong lengthMin,
        OptionalLong lengthMax) {

    public static final Refinements NONE = new Refinements(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            OptionalLong.empty(),
            OptionalLong.empty());

    /** A bound on a number; {@code inclusive} says whether the bound value itself is allowed. */
    public record NumberBound(CtyNumber value, boolean inclusive) {
        public NumberBound {
            Objects.requireNonNull(value, "value");
        }
    }

    public Refinements {
        Objects.requireNonNull(notNull, "notNull");
        Objects.requireNonNull(stringPrefix, "stringPrefix");
        Objects.requireNonNull(lowerBound, "lowerBound");
        Objects.requireNonNull(upperBound, "upperBound");
        Objects.requireNonNull(lengthMin, "lengthMin");
        Objects.requireNonNull(lengthMax, "lengthMax");
        notNull = notNull.filter(b -> b);
        stringPrefix = stringPrefix.filter(p -> !p.isEmpty()).map(CtyStrings::nfc);
        lowerBound = lowerBound.filter(b -> !b.value().equals(CtyNumber.NEGATIVE_INFINITY));
        upperBound = upperBound.filter(b -> !b.value().equals(CtyNumber.POSITIVE_INFINITY));
        if (lengthMin.isPresent() && lengthMin.getAsLong() < 0) {
            throw new IllegalArgumentException("minimum length must not be negative: " + lengthMin.getAsLong());
        }
        if (lengthMax.isPresent() && lengthMax.getAsLong() < 0) {
            throw new IllegalArgumentException("maximum length must not be negative: " + lengthMax.getAsLong());
        }
        if (lengthMin.isPresent() && lengthMin.getAsLong() == 0) {
            lengthMin = OptionalLong.empty();
        }
        if (lengthMax.isPresent() && lengthMax.getAsLong() == Long.MAX_VALUE) {
            lengthMax = OptionalLong.empty();
        }
        if (lengthMin.isPresent() && lengthMax.isPresent() && lengthMin.getAsLong() > lengthMax.getAsLong()) {
            throw new IllegalArgumentException("minimum length " + lengthMin.getAsLong()
                    + " is greater than maximum length " + lengthMax.getAsLong());
        }
        if (lowerBound.isPresent() && upperBound.isPresent()) {
            NumberBound lo = lowerBound.get();
            NumberBound hi = upperBound.get();
            int cmp = lo.value().compareTo(hi.value());
            if (cmp > 0 || (cmp == 0 && !(lo.inclusive() && hi.inclusive()))) {
                throw new IllegalArgumentException(
                        "number bounds leave no possible value: lower " + lo + ", upper " + hi);
            }
        }
    }

    public boolean isEmpty() {
        return notNull.isEmpty()
                && stringPrefix.isEmpty()
                && lowerBound.isEmpty()
                && upperBound.isEmpty()
                && lengthMin.isEmpty()
                && lengthMax.isEmpty();
    }

    /** True if the value is known not to be null. */
    public boolean isNotNull() {
        return notNull.orElse(false);
    }

    public Refinements withNotNull() {
        return new Refinements(Optional.of(true), stringPrefix, lowerBound, upperBound, lengthMin, lengthMax);
    }

    public Refinements withStringPrefix(String prefix) {
        return new Refinements(notNull, Optional.of(prefix), lowerBound, upperBound, lengthMin, lengthMax);
    }

    public Refinements withLowerBound(CtyNumber value, boolean inclusive) {
        return new Refinements(
                notNull,
                stringPrefix,
                Optional.of(new NumberBound(value, inclusive)),
                upperBound,
                lengthMin,
                lengthMax);
    }

    public Refinements withUpperBound(CtyNumber value, boolean inclusive) {
        return new Refinements(
                notNull,
                stringPrefix,
                lowerBound,
                Optional.of(new NumberBound(value, inclusive)),
                lengthMin,
                lengthMax);
    }

    public Refinements withLengthMin(long min) {
        return new Refinements(notNull, stringPrefix, lowerBound, upperBound, OptionalLong.of(min), lengthMax);
    }

    public Refinements withLengthMax(long max) {
        return new Refinements(notNull, stringPrefix, lowerBound, upperBound, lengthMin, OptionalLong.of(max));
    }

    /**
     * Which of these refinements cannot apply to a value of type {@code t} (empty list when all
     * can): string prefixes need string, number bounds need number, lengths need list/set/map,
     * and the dynamic type takes no refinement at all.
     */
    String inapplicableTo(CtyType t) {
        if (isEmpty()) {
            return "";
        }
        if (t == CtyType.DYNAMIC) {
            return "an unknown value of dynamic type cannot be refined";
        }
        if (stringPrefix.isPresent() && t != CtyType.STRING) {
            return "string prefix refinement needs type string, not " + t.friendlyName();
        }
        if ((lowerBound.isPresent() || upperBound.isPresent()) && t != CtyType.NUMBER) {
            return "number bound refinement needs type number, not " + t.friendlyName();
        }
        if ((lengthMin.isPresent() || lengthMax.isPresent()) && !t.isCollection()) {
            return "length refinement needs a list, set or map type, not " + t.friendlyName();
        }
        return "";
    }
}
