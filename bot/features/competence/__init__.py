"""features/competence"""
