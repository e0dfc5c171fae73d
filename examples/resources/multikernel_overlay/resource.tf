# Lend host CPUs 6-7 (logical numbers, as lscpu shows them) to the multikernel pool,
# outside what multikernel_pool manages. Destroying the resource rolls the transaction back.
resource "multikernel_overlay" "burst_cpus" {
  host    = "admin@10.0.0.5"
  cpu_add = "6-7"
}

# Give instance "web" one more free pool CPU and a PCI function from the pool.
# The instance must exist on the host or be created in the same run: refer to it.
resource "multikernel_overlay" "web_extra" {
  host       = "admin@10.0.0.5"
  instance   = "web" # or multikernel_instance.web.name
  cpu_add    = "5"
  device_add = ["0000:03:00.0"]
}

# Shrink the pool by one whole memory chunk, named exactly as the pool reads it back.
resource "multikernel_overlay" "give_back_memory" {
  host = "admin@10.0.0.5"
  memory_remove = [
    { base = "0x140000000", size = "1GiB" },
  ]
}

# The physical (APIC) ids the kernel was given.
output "burst_physical_cpu_ids" {
  value = multikernel_overlay.burst_cpus.cpu_add_physical_ids
}
