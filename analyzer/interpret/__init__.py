"""Pass 2: abstract interpretation of the IR (see `interpreter.Interpreter`)."""

from analyzer.interpret.frames import Event, Frame, Site
from analyzer.interpret.interpreter import Interpreter

__all__ = ["Event", "Frame", "Interpreter", "Site"]
