"""Maps the top-level resources/ and step_scripts/ folders into the `app` package of the wheel."""
from setuptools import find_packages, setup

BUNDLED = {
    "app.resources": "resources",
    "app.resources.examples": "resources/examples",
    "app.step_scripts": "step_scripts",
}

setup(
    packages=find_packages(include=["app", "app.*"]) + list(BUNDLED),
    package_dir=BUNDLED,
)
