"""Factories: plan, pack, build and demolish bots on this machine or on AWS."""
