from tests.demo_fixtures import demo_results, demo_study  # noqa: F401  (session fixtures shared by test folders)
