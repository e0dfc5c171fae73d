package dev.multikernel.provider.plan;

import java.util.List;
import java.util.Objects;

/**
 * The class of a planned update, why, and whether it interrupts a running instance (which the
 * resource refuses unless the user opted in with {@code allow_restart}).
 *
 * @param change      the class
 * @param reasons     one sentence per changed attribute, in a fixed order
 * @param interrupts  whether the instance is running now and the change stops it
 * @param possible    false when the host's interface cannot make the change at all (see reasons)
 */
public record ChangeDecision(ChangeClass change, List<String> reasons, boolean interrupts, boolean possible) {
    public ChangeDecision {
        Objects.requireNonNull(change, "change");
        reasons = List.copyOf(reasons);
    }

    public static ChangeDecision none() {
        return new ChangeDecision(ChangeClass.NONE, List.of(), false, true);
    }

    /** The reasons as one paragraph, for a plan warning. */
    public String summary() {
        return String.join(" ", reasons);
    }
}
