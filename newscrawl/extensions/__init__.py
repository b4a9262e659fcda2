"""Signal-driven extensions: run summary, monitors (exit codes), GC tuning."""
