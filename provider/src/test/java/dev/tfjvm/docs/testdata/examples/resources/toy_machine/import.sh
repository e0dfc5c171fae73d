terraform import toy_machine.example alpha
