from .reference import load_reference_data


def load_reference_data_after_migrate(sender, **kwargs):
    """Departments and shipped classifications exist in every database, tests included."""
    load_reference_data()
