# The kernel instances of one host, with the CPUs and memory each one owns.
data "multikernel_instances" "node1" {
  host = "admin@10.0.0.5"
}

# name => "cpus / memory", such as web => "4-7 / 2GiB".
output "instances" {
  value = {
    for i in data.multikernel_instances.node1.instances :
    i.name => "${coalesce(i.cpus, "?")} / ${coalesce(i.memory, "?")}"
  }
}

# Instances that are running their kernel.
output "active" {
  value = [for i in data.multikernel_instances.node1.instances : i.name if i.status == "active"]
}
