"""The benchmark measures real stacks: its generated settings are valid and fully planned."""

from tools.bench import measure, measure_check


def test_the_benchmark_plans_seven_resources_per_user_and_role_pair() -> None:
    (result,) = measure([3], repeat=1)
    # component + two providers + the stack's self-service policy, then per pair: user, identity
    # policy, its attachment, the self-service attachment, role, permission policy, its attachment
    assert (result["users"], result["roles"], result["resources"]) == (3, 3, 4 + 7 * 3)
    assert result["settings_to_plan_seconds"] > 0
    assert result["program_under_mocks_seconds"] > 0


def test_the_benchmark_times_check_on_a_real_stack() -> None:
    result = measure_check("utils", repeat=1)
    assert (result["stack"], result["findings"]) == ("utils", 0)
    # figures are reported, never compared: speed is the benchmark's business, not a test's
    assert all(result[k] > 0 for k in ("check_command_seconds", "rules_first_seconds", "rules_again_seconds"))
