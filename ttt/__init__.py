"""Test-time training solver: a fresh LoRA adapter per task, augmented inference, voting."""
