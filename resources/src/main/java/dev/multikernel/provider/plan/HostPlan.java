package dev.multikernel.provider.plan;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of planning every instance of one host: the placements (sorted by name) and every
 * problem found, in a fixed order (rule by rule, instances by name within a rule).
 */
public record HostPlan(List<PlannedInstance> instances, List<PlanProblem> problems) {
    public HostPlan {
        instances = List.copyOf(instances);
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(PlanProblem::isError);
    }

    public Optional<PlannedInstance> instance(String name) {
        return instances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** The problems reported against attributes whose path starts with {@code prefix}. */
    public List<PlanProblem> problemsFor(String prefix) {
        return problems.stream()
                .filter(p -> p.attributePath().startsWith(prefix))
                .toList();
    }
}
