"""The demo project: a synthetic survey shaped like the 2020 jobcentre survey, with gold themes."""
from workbench.demo.generate import DemoSurvey, create_demo, generate_survey

__all__ = ["DemoSurvey", "create_demo", "generate_survey"]
