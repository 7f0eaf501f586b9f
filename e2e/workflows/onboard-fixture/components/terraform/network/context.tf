# The label context every stack sets.
variable "namespace" {
  type = string
}

variable "tenant" {
  type = string
}

variable "stage" {
  type = string
}

variable "environment" {
  type = string
}

variable "region" {
  type = string
}
