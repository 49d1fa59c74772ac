"""Data of hemplan: instance and schedule models, file I/O, travel times, the evaluator."""
