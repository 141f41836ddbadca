"""Looking inside a trained model: layers, filters, feature maps, saliency, pooling and convolution
worked out by hand, the confusion matrix and mistakes, and a picture's class probabilities.

Imports only core.basics, core.data, core.pretrained and core.engine; must never import coach,
store or runners.
"""
