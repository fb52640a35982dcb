"""Forward-Forward on text: next-character prediction on Tiny Shakespeare by goodness."""
