package dev.multikernel.provider.values;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * An immutable set of logical CPU ids (the numbers {@code lscpu}, {@code taskset} and
 * {@code /sys/devices/system/cpu/cpuN} use), written in the kernel's cpulist syntax:
 * {@code "4-7,10"}.
 *
 * <p>Syntax accepted by {@link #parse}:
 * <ul>
 *   <li>items separated by commas; an item is a CPU id ({@code "10"}) or an inclusive range
 *       ({@code "4-7"}, low end first);</li>
 *   <li>ids are decimal digits from 0 to {@value #MAX_ID}; white space around items and around the
 *       hyphen is ignored (so a line read from sysfs, newline included, parses);</li>
 *   <li>items may come in any order, but no CPU may be listed twice: {@code "4-7,6"} is almost
 *       always a typo, and a set that silently absorbs it hides the mistake;</li>
 *   <li>the empty (or blank) text is the empty set, as the kernel prints it;</li>
 *   <li>the kernel's stride groups ({@code "0-7:2/4"}) and signs are not accepted.</li>
 * </ul>
 *
 * <p>{@link #format} gives the canonical form, as the kernel prints it: ascending, each run of two
 * or more consecutive CPUs as a range. {@code parse(x.format()).equals(x)} always holds.
 *
 * <p>The largest id, {@value #MAX_ID}, is the kernel's largest configurable CPU count (8192)
 * minus one; it bounds every set to 1 KiB of memory whatever the input.
 */
public final class CpuList implements Iterable<Integer> {
    /** The largest logical CPU id accepted: NR_CPUS can be configured up to 8192. */
    public static final int MAX_ID = 8191;

    public static final CpuList EMPTY = new CpuList(new BitSet());

    private static final String HINT = "write CPU ids and ranges separated by commas, such as \"4-7,10\"";

    /** An inclusive run of consecutive CPU ids. */
    public record Range(int first, int last) {
        public Range {
            if (first < 0 || first > last || last > MAX_ID) {
                throw new IllegalArgumentException("not a CPU range: " + first + "-" + last);
            }
        }

        public int size() {
            return last - first + 1;
        }

        /** {@code "4"} for a single CPU, {@code "4-7"} otherwise. */
        public String format() {
            return first == last ? Integer.toString(first) : first + "-" + last;
        }
    }

    private final BitSet bits;

    private CpuList(BitSet bits) {
        this.bits = bits;
    }

    /**
     * Parses cpulist text such as {@code "4-7,10"}.
     *
     * @throws InvalidValueException naming the offending item and showing the expected syntax
     */
    public static CpuList parse(String text) throws InvalidValueException {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            return EMPTY;
        }
        BitSet bits = new BitSet();
        // Items are handled as they are split off: every accepted item adds at least one new CPU,
        // so at most MAX_ID + 1 items are ever kept, however long the text.
        List<Range> seen = new ArrayList<>();
        List<String> seenText = new ArrayList<>();
        int start = 0;
        while (start >= 0) {
            int comma = text.indexOf(',', start);
            String raw = comma < 0 ? text.substring(start) : text.substring(start, comma);
            if (raw.isBlank()) {
                String where = start == 0
                        ? "starts with a comma"
                        : comma < 0 ? "ends with a comma" : "has two commas in a row";
                throw new InvalidValueException(text, InvalidValueException.quote(text) + " " + where + "; " + HINT);
            }
            String item = raw.strip();
            Range range = parseItem(item, text);
            int clash = bits.nextSetBit(range.first());
            if (clash >= 0 && clash <= range.last()) {
                String earlier = seenText.get(indexOfRangeHolding(seen, clash));
                throw new InvalidValueException(
                        text,
                        where(item, text) + ": CPU " + clash + " is already listed in "
                                + InvalidValueException.quote(earlier) + "; list each CPU once");
            }
            bits.set(range.first(), range.last() + 1);
            seen.add(range);
            seenText.add(item);
            start = comma < 0 ? -1 : comma + 1;
        }
        return new CpuList(bits);
    }

    /** The set of the given ids; for ids known to be valid. @throws IllegalArgumentException for an id out of range */
    public static CpuList of(int... ids) {
        BitSet bits = new BitSet();
        for (int id : ids) {
            if (!isValidId(id)) {
                throw new IllegalArgumentException("CPU id " + id + " is outside 0-" + MAX_ID);
            }
            bits.set(id);
        }
        return new CpuList(bits);
    }

    /** The set of the given ids. @throws IllegalArgumentException for an id out of range */
    public static CpuList of(Iterable<Integer> ids) {
        BitSet bits = new BitSet();
        for (int id : ids) {
            if (!isValidId(id)) {
                throw new IllegalArgumentException("CPU id " + id + " is outside 0-" + MAX_ID);
            }
            bits.set(id);
        }
        return new CpuList(bits);
    }

    /** The CPUs {@code first} to {@code last}, inclusive. @throws IllegalArgumentException unless 0 ≤ first ≤ last ≤ MAX_ID */
    public static CpuList range(int first, int last) {
        Range r = new Range(first, last);
        BitSet bits = new BitSet();
        bits.set(r.first(), r.last() + 1);
        return new CpuList(bits);
    }

    public static boolean isValidId(long id) {
        return id >= 0 && id <= MAX_ID;
    }

    /** The canonical cpulist text: ascending, runs of two or more as ranges; {@code ""} when empty. */
    public String format() {
        StringBuilder b = new StringBuilder();
        for (Range r : ranges()) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(r.format());
        }
        return b.toString();
    }

    /** Every id, ascending. */
    public List<Integer> expand() {
        return Collections.unmodifiableList(bits.stream().boxed().toList());
    }

    /** The maximal runs of consecutive ids, ascending. */
    public List<Range> ranges() {
        List<Range> out = new ArrayList<>();
        int start = bits.nextSetBit(0);
        while (start >= 0) {
            int end = bits.nextClearBit(start) - 1;
            out.add(new Range(start, end));
            start = bits.nextSetBit(end + 1);
        }
        return Collections.unmodifiableList(out);
    }

    public IntStream stream() {
        return bits.stream();
    }

    @Override
    public Iterator<Integer> iterator() {
        return bits.stream().iterator();
    }

    public int size() {
        return bits.cardinality();
    }

    public boolean isEmpty() {
        return bits.isEmpty();
    }

    public boolean contains(int id) {
        return id >= 0 && bits.get(id);
    }

    public boolean containsAll(CpuList other) {
        BitSet missing = (BitSet) other.bits.clone();
        missing.andNot(bits);
        return missing.isEmpty();
    }

    public boolean intersects(CpuList other) {
        return bits.intersects(other.bits);
    }

    public OptionalInt first() {
        int first = bits.nextSetBit(0);
        return first < 0 ? OptionalInt.empty() : OptionalInt.of(first);
    }

    public OptionalInt last() {
        int last = bits.length() - 1;
        return last < 0 ? OptionalInt.empty() : OptionalInt.of(last);
    }

    public CpuList union(CpuList other) {
        BitSet b = (BitSet) bits.clone();
        b.or(other.bits);
        return new CpuList(b);
    }

    public CpuList intersection(CpuList other) {
        BitSet b = (BitSet) bits.clone();
        b.and(other.bits);
        return new CpuList(b);
    }

    /** The CPUs of this list that are not in {@code other}. */
    public CpuList minus(CpuList other) {
        BitSet b = (BitSet) bits.clone();
        b.andNot(other.bits);
        return new CpuList(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuList other && bits.equals(other.bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }

    /** The canonical text, as {@link #format}. */
    @Override
    public String toString() {
        return format();
    }

    // ------------------------------------------------------------------ parsing

    private static Range parseItem(String item, String text) throws InvalidValueException {
        if (item.indexOf(':') >= 0 || item.indexOf('/') >= 0) {
            throw new InvalidValueException(
                    text,
                    where(item, text)
                            + ": stride groups such as \"0-7:2/4\" are not supported; list the CPUs instead, such as \"0-1,4-5\"");
        }
        if (item.startsWith("-") || item.startsWith("+")) {
            throw new InvalidValueException(
                    text,
                    where(item, text) + ": a CPU id is a number from 0 to " + MAX_ID + " without a sign; " + HINT);
        }
        int hyphen = item.indexOf('-');
        if (hyphen < 0) {
            int id = parseId(item, item, text);
            return new Range(id, id);
        }
        String low = item.substring(0, hyphen).strip();
        String high = item.substring(hyphen + 1).strip();
        if (high.isEmpty()) {
            throw new InvalidValueException(text, where(item, text) + ": a range needs both ends, such as \"4-7\"");
        }
        if (high.startsWith("-") || high.startsWith("+")) {
            throw new InvalidValueException(
                    text,
                    where(item, text) + ": a CPU id is a number from 0 to " + MAX_ID
                            + " without a sign; a range looks like \"4-7\"");
        }
        int first = parseId(low, item, text);
        int last = parseId(high, item, text);
        if (first > last) {
            throw new InvalidValueException(
                    text,
                    where(item, text) + ": a range must go from low to high, such as \"" + last + "-" + first + "\"");
        }
        return new Range(first, last);
    }

    private static int parseId(String digits, String item, String text) throws InvalidValueException {
        if (digits.isEmpty()) {
            throw new InvalidValueException(text, where(item, text) + ": not a CPU id or range; " + HINT);
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                String problem =
                        digits.equals(item) ? "not a CPU id" : InvalidValueException.quote(digits) + " is not a CPU id";
                throw new InvalidValueException(text, where(item, text) + ": " + problem + "; " + HINT);
            }
        }
        int nonZero = 0;
        while (nonZero < digits.length() - 1 && digits.charAt(nonZero) == '0') {
            nonZero++;
        }
        String significant = digits.substring(nonZero);
        // At most 4 significant digits can be in range; checking length first keeps parseInt safe.
        if (significant.length() > 4 || Integer.parseInt(significant) > MAX_ID) {
            String problem = digits.equals(item) ? "" : InvalidValueException.quote(digits) + " is too large; ";
            throw new InvalidValueException(
                    text, where(item, text) + ": " + problem + "CPU ids go from 0 to " + MAX_ID);
        }
        return Integer.parseInt(significant);
    }

    private static int indexOfRangeHolding(List<Range> ranges, int id) {
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).first() <= id && id <= ranges.get(i).last()) {
                return i;
            }
        }
        throw new IllegalStateException("CPU " + id + " is in no parsed range");
    }

    /** {@code "item" in "text"}, or just {@code "text"} when the item is all of it. */
    private static String where(String item, String text) {
        String q = InvalidValueException.quote(item);
        return item.equals(text.strip()) ? q : q + " in " + InvalidValueException.quote(text);
    }
}
