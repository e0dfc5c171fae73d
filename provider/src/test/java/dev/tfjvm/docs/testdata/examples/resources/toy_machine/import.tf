import {
  to = toy_machine.example
  id = "alpha"
}
