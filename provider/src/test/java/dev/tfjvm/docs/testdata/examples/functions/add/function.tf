output "sum" {
  value = provider::toy::add(1, 2) # ```backticks``` in a comment
}


