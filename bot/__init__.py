"""Thai citizen assistant for one-stop government services.

Two environments import this package (see README): the Rasa server side uses
only ``bot.nlu``, ``bot.channels``, ``bot.privacy`` and ``bot.paths``; everything
else runs in the modern environment. Keep this file free of imports.
"""
