package dev.tfjvm.diag;

/** How serious a diagnostic is. Terraform only knows errors and warnings. */
public enum Severity {
    ERROR,
    WARNING
}
