# Checks of the study layer (src/study) from small typed fixtures: the verdict rules,
# thresholds (the threshold search, the E7 law fit, the safe-lambda advisor), fits, the Theorem 1 decision, trials and certificate, the Theorem 2 rates and spectrum,
# the entropic reference's stopping rule, the model-file format, the training studies, the claims table and their verdicts on planted typed evidence, the
# breakdown causes, thresholds, bisection and reference ladder; the scalar table against the types;
# and the include layering.
add_executable(study_checks ${CMAKE_CURRENT_LIST_DIR}/verdict_rules_checks.cpp
               ${CMAKE_CURRENT_LIST_DIR}/theorem1_decision_checks.cpp ${CMAKE_CURRENT_LIST_DIR}/theorem2_rates_checks.cpp
               ${CMAKE_CURRENT_LIST_DIR}/model_file_checks.cpp ${CMAKE_CURRENT_LIST_DIR}/claims_checks.cpp
               ${CMAKE_CURRENT_LIST_DIR}/threshold_search_checks.cpp ${CMAKE_CURRENT_LIST_DIR}/precision_ladder_checks.cpp
               ${CMAKE_CURRENT_LIST_DIR}/training_study_checks.cpp ${CMAKE_CURRENT_LIST_DIR}/breakdown_checks.cpp
               ${CMAKE_CURRENT_LIST_DIR}/claim_verdicts_checks.cpp
               ${CMAKE_CURRENT_LIST_DIR}/theorem_studies_checks.cpp ${CMAKE_CURRENT_LIST_DIR}/scalar_table_checks.cpp)
target_link_libraries(study_checks PRIVATE otv_study otv_catch_main)
target_compile_options(study_checks PRIVATE ${OTV_CHECK_OPTIMIZATION})
target_compile_definitions(study_checks PRIVATE OTV_SOURCE_DIR="${CMAKE_SOURCE_DIR}")  # the fuzz corpus's model files
catch_discover_tests(study_checks TEST_PREFIX "study/" EXTRA_ARGS --warn NoTests PROPERTIES LABELS "study")
add_test(NAME study/layering COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/layering.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(study/layering PROPERTIES LABELS "study")
