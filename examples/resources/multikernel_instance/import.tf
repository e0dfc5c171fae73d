# An instance made outside Terraform (by kerf, or by hand) is imported as HOST:NAME,
# with HOST written as the resource's host attribute writes it.
import {
  to = multikernel_instance.web
  id = "admin@10.0.0.5:web"
}

# terraform plan -generate-config-out=generated.tf writes its configuration: cpus as the
# host shows them (cpu_count stays null) and no kernel, which keeps the running kernel.
