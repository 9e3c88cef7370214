"""The training loop's web side outside the portal: the model endpoint every Rasa
replica polls (``models``) and the services the training pages share (``context``)."""
