"""The benchmark measures real stacks: its generated settings are valid and fully planned."""

from tools.bench import measure


def test_the_benchmark_plans_six_resources_per_user_and_role_pair() -> None:
    (result,) = measure([3], repeat=1)
    # component + two providers, then per pair: user, identity policy, its attachment,
    # role, permission policy, its attachment
    assert (result["users"], result["roles"], result["resources"]) == (3, 3, 3 + 6 * 3)
    assert result["settings_to_plan_seconds"] > 0
    assert result["program_under_mocks_seconds"] > 0
