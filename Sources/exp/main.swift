print("exp")
