package dev.multikernel.provider.plan;

import java.util.Objects;

/**
 * One thing wrong (or worth a warning) with a plan, aimed at the attribute that causes it.
 *
 * @param severity      an error stops the plan; a warning is shown and the plan goes on
 * @param attributePath the attribute to blame, such as {@code multikernel_instance.web.cpus}
 * @param summary       one line: what is wrong
 * @param detail        the current state and a way to fix it
 */
public record PlanProblem(Severity severity, String attributePath, String summary, String detail) {
    public enum Severity {
        ERROR,
        WARNING
    }

    public PlanProblem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(attributePath, "attributePath");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(detail, "detail");
    }

    static PlanProblem error(String path, String summary, String detail) {
        return new PlanProblem(Severity.ERROR, path, summary, detail);
    }

    static PlanProblem warning(String path, String summary, String detail) {
        return new PlanProblem(Severity.WARNING, path, summary, detail);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return severity + " " + attributePath + ": " + summary + " (" + detail + ")";
    }
}
