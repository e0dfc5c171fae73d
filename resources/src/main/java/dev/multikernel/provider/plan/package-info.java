/**
 * The whole-host planner: every instance aimed at one host is validated and placed together,
 * against that host's state as read, at plan time. Pure Java, no Terraform types, no I/O.
 *
 * <p>Entry points: {@link dev.multikernel.provider.plan.HostView#from} (the host as read),
 * {@link dev.multikernel.provider.plan.HostPlanner#plan} (validate and allocate),
 * {@link dev.multikernel.provider.plan.ChangeClassifier#classify} (live / restart / replace).
 * See {@code docs/design/planning.md}.
 */
package dev.multikernel.provider.plan;
