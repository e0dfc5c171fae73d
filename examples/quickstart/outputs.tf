output "hosts" {
  description = "Interface generation and boot id of every host."
  value = {
    for name, h in data.multikernel_host.all : name => {
      interface = h.interface_generation
      boot_id   = h.boot_id
    }
  }
}
